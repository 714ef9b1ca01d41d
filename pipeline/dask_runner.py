"""Beam's DaskRunner, with the three faults of its graph translation (Beam 2.77) mended.

Beam's runner gives every consumer of a multi-output ParDo all of that ParDo's outputs, main and tagged mixed;
computes only the last transform it visits, so other sinks never run; and evaluates a side input inside each task
that reads it, recomputing the side input's whole lineage there. Here each input takes only its own tag, every leaf
of the graph is computed in one graph, and side inputs are whole-collection dependencies of the tasks that read
them. docs/DEPLOY.md gives a reproduction of each fault.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import cloudpickle
import dask.bag as db
from apache_beam import DoFn, TaggedOutput, pvalue
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.pipeline import AppliedPTransform, PipelineVisitor
from apache_beam.runners.common import DoFnContext, DoFnInvoker, DoFnSignature, _OutputHandler
from apache_beam.runners.dask import dask_runner
from apache_beam.runners.dask.overrides import dask_overrides
from apache_beam.runners.dask.transform_evaluator import (
    TRANSLATIONS,
    Flatten,
    NoOp,
    OneReceiver,
    ParDo,
    get_windowed_value,
)
from apache_beam.runners.runner import PipelineState
from apache_beam.transforms.sideinputs import SideInputMap
from apache_beam.utils.windowed_value import WindowedValue
from dask.highlevelgraph import HighLevelGraph


class DaskRunner(dask_runner.DaskRunner):
    """Runs a pipeline on the Dask cluster that ``--dask_client_address`` names (else a local one)."""

    def run_pipeline(self, pipeline, options: PipelineOptions):
        import dask.distributed as ddist

        dask_options = options.view_as(dask_runner.DaskOptions).get_all_options(drop_default=True, current_only=True)
        bag_kwargs = dask_runner.DaskOptions._extract_bag_kwargs(dask_options)
        client = ddist.Client(**dask_options)
        try:
            pipeline.replace_all(dask_overrides())
            visitor = _Translator(bag_kwargs)
            pipeline.visit(visitor)
            # No elements come back: the client only needs each leaf's completion (and its errors).
            futures = client.compute([bag.map_partitions(_nothing) for bag in visitor.leaves()])
        except BaseException:
            client.close()
            raise
        return _Result(client, futures)


class _Result(dask_runner.DaskRunnerResult):
    """Beam's Dask result, whose client disconnects once the job has ended (Beam's stays connected), and whose wait
    with a ``duration`` (milliseconds) that runs out leaves the job running (Beam's marks it failed)."""

    def wait_until_finish(self, duration=None) -> str:
        if duration is not None and not self._ended_within(duration / 1000):
            return self._state
        try:
            return super().wait_until_finish()
        finally:
            if PipelineState.is_terminal(self._state):
                self.client.close()

    def _ended_within(self, seconds: float) -> bool:
        """Whether every leaf has ended, done or failed, within ``seconds`` (errors are raised by the wait that
        gathers them, not here: a task's own TimeoutError must not read as the wait's)."""
        import dask.distributed as ddist

        try:
            for _ in ddist.as_completed(self.futures, timeout=seconds, loop=self.client.loop):
                pass
        except ddist.TimeoutError:
            return False
        return True


@dataclasses.dataclass
class _Translator(PipelineVisitor):
    """Beam transforms to Dask bags; a ParDo's bag holds ``(tag, value)`` pairs that each consumer selects from."""

    bag_kwargs: dict
    bags: dict[AppliedPTransform, db.Bag] = dataclasses.field(default_factory=dict)
    tagged: set[AppliedPTransform] = dataclasses.field(default_factory=set)
    consumed: set[AppliedPTransform] = dataclasses.field(default_factory=set)

    def visit_transform(self, node: AppliedPTransform) -> None:
        op_class = TRANSLATIONS.get(node.transform.__class__, NoOp)
        inputs = [self._bag(p) for p in node.inputs if not isinstance(p, pvalue.PBegin)]
        if op_class is ParDo:
            sides = [self._bag(side.pvalue) for side in node.side_inputs]
            self.bags[node] = _pardo(node, inputs[0], sides)
            self.tagged.add(node)
            return
        op = op_class(node, bag_kwargs=self.bag_kwargs)
        single = len(inputs) == 1 and op_class is not Flatten  # Flatten takes a list, even of one
        self.bags[node] = op.apply(input_bag=inputs[0] if single else inputs or None, side_inputs=None)

    def leaves(self) -> list[db.Bag]:
        """The bags nothing reads: computing them runs the whole graph."""
        return [bag for node, bag in self.bags.items() if node not in self.consumed]

    def _bag(self, pcoll: pvalue.PCollection) -> db.Bag:
        """The bag of ``pcoll``: its producer's, narrowed to its tag where the producer is a ParDo."""
        producer = pcoll.producer
        self.consumed.add(producer)
        bag = self.bags[producer]
        return bag.map_partitions(_select, pcoll.tag) if producer in self.tagged else bag


def _select(pairs: list[tuple[str | None, Any]], tag: str | None) -> list[Any]:
    """The values of one output (``tag``; None for the main output) of a ParDo's bundle."""
    return [value for t, value in pairs if t == tag]


def _nothing(_partition: list) -> list:
    return []


def _pardo(node: AppliedPTransform, bag: db.Bag, sides: list[db.Bag]) -> db.Bag:
    """The bag of a ParDo's outputs as ``(tag, value)``; each side input is computed once, before the bundles."""
    transform, main = node.transform, next(iter(node.main_inputs.values()))
    views = [(type(s), s._view_options(), s._window_mapping_fn) for s in node.side_inputs]
    window_fn = main.windowing.windowfn if hasattr(main, "windowing") else None
    bundle = _Bundle(
        cloudpickle.dumps(transform.fn), transform.label, list(transform.args), transform.kwargs, window_fn, views
    )
    return bag.map_partitions(bundle.run, *(_broadcast(side, bag.npartitions) for side in sides))


def _broadcast(side: db.Bag, npartitions: int) -> db.Bag:
    """A bag of ``npartitions`` partitions that each hold the whole of ``side``, gathered once.

    Built from tasks, not with ``Bag.reduction``: an ``Item`` argument makes ``map_partitions`` materialise and
    optimise the Item's whole lineage, at every side input (minutes, and gigabytes, for this job's graph).
    """
    gathered = f"gather-{side.name}"
    dsk: dict = {(gathered, 0): (_chain, [(side.name, i) for i in range(side.npartitions)])}
    name = f"broadcast-{npartitions}-{side.name}"
    dsk |= {(name, i): (_same, (gathered, 0)) for i in range(npartitions)}
    return db.Bag(HighLevelGraph.from_collections(name, dsk, dependencies=[side]), name, npartitions)


def _chain(parts: list[list[Any]]) -> list[Any]:
    return [value for part in parts for value in part]


def _same(values: list[Any]) -> list[Any]:
    return values


@dataclasses.dataclass
class _Bundle:
    """One ParDo bundle (a Dask partition): the DoFn's whole lifecycle, run on a worker."""

    fn: bytes  # the DoFn, pickled as Dask pickles the graph (cloudpickle): each call unpickles its own
    label: str
    args: list
    kwargs: dict
    window_fn: Any
    views: list[tuple]  # per side input: its view class, view options and window mapping function

    def run(self, items: list[Any], *side_values: list[Any]) -> list[tuple[str | None, Any]]:
        # Per call: a worker's threads may run tasks that share this object (Dask caches unpickled functions), and
        # must not share outputs or a DoFn that one of them tears down while another processes.
        receivers, fn = OneReceiver(), cloudpickle.loads(self.fn)
        handler = _OutputHandler(
            window_fn=self.window_fn,
            main_receivers=receivers[None],
            tagged_receivers=receivers,
            per_element_output_counter=None,
            output_batch_converter=None,
            process_yields_batches=False,
            process_batch_yields_elements=False,
        )
        sides = [
            SideInputMap(view, options, [get_windowed_value(v, mapping) for v in values])
            for (view, options, mapping), values in zip(self.views, side_values)
        ]
        invoker = DoFnInvoker.create_invoker(
            DoFnSignature(fn),
            handler,
            context=DoFnContext(self.label, state=None),
            side_inputs=sides,
            input_args=self.args,
            input_kwargs=self.kwargs,
            user_state_context=None,
            bundle_finalizer_param=DoFn.BundleFinalizerParam(),
        )
        invoker.invoke_setup()
        try:
            invoker.invoke_start_bundle()
            for item in items:
                invoker.invoke_process(get_windowed_value(item, self.window_fn))
            invoker.invoke_finish_bundle()
        finally:
            invoker.invoke_teardown()
        return [_pair(output) for output in receivers.values]


def _pair(output: Any) -> tuple[str | None, Any]:
    """``(tag, value)`` of a receiver's output, unwrapped from its window: a batch job's are all global."""
    tag, value = (output.tag, output.value) if isinstance(output, TaggedOutput) else (None, output)
    return tag, value.value if isinstance(value, WindowedValue) else value

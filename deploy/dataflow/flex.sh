#!/usr/bin/env bash
# Builds synthsieve's Dataflow image and Flex Template, or launches a job from it.
#
#   deploy/dataflow/flex.sh build                        image (Cloud Build) + template spec on gs://$BUCKET
#   deploy/dataflow/flex.sh spec                         print the template spec only (offline, uploads nothing)
#   deploy/dataflow/flex.sh run INPUT OUTPUT [NAME=VALUE ...]   launch a job; NAME=VALUE: more template parameters
#
# Environment: PROJECT, REGION, BUCKET, SERVICE_ACCOUNT (required; spec needs none of them);
# REPOSITORY (Artifact Registry repository, default synthsieve), TAG (default: the package version),
# MACHINE_TYPE (default n2-standard-4), MAX_WORKERS (default 100).
set -euo pipefail
cd "$(dirname "$0")/../.."

VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
TAG=${TAG:-$VERSION}
REPOSITORY=${REPOSITORY:-synthsieve}
MACHINE_TYPE=${MACHINE_TYPE:-n2-standard-4}
MAX_WORKERS=${MAX_WORKERS:-100}

need() { for v in "$@"; do [ -n "${!v:-}" ] || { echo "flex.sh: set $v" >&2; exit 2; }; done; }
image() { echo "$REGION-docker.pkg.dev/$PROJECT/$REPOSITORY/synthsieve:$TAG"; }
template() { echo "gs://$BUCKET/templates/synthsieve-$TAG.json"; }

# Worker defaults stored in the template; a launch may override each of them.
spec_flags() {
  echo --sdk-language=PYTHON --metadata-file=deploy/dataflow/metadata.json \
    --additional-experiments=use_runner_v2 --worker-machine-type="$MACHINE_TYPE" --max-workers="$MAX_WORKERS"
}

case "${1:-}" in
  build)
    need PROJECT REGION BUCKET SERVICE_ACCOUNT
    gcloud builds submit --project="$PROJECT" --config=deploy/dataflow/cloudbuild.yaml \
      --substitutions=_IMAGE="$(image)" .
    # shellcheck disable=SC2046
    gcloud dataflow flex-template build "$(template)" --project="$PROJECT" --image="$(image)" $(spec_flags) \
      --service-account-email="$SERVICE_ACCOUNT" \
      --temp-location="gs://$BUCKET/tmp" --staging-location="gs://$BUCKET/staging"
    ;;
  spec)
    PROJECT=${PROJECT:-PROJECT} REGION=${REGION:-REGION} BUCKET=${BUCKET:-BUCKET}
    # shellcheck disable=SC2046
    gcloud dataflow flex-template build "$(template)" --print-only --image="$(image)" $(spec_flags)
    ;;
  run)
    need PROJECT REGION BUCKET SERVICE_ACCOUNT
    [ $# -ge 3 ] || { echo "usage: flex.sh run INPUT OUTPUT [NAME=VALUE ...]" >&2; exit 2; }
    input=$2 output=$3
    shift 3
    # ^~^ makes ~ gcloud's list separator, so that values keep their commas (input lists, detectors).
    params="^~^input=$input~output=$output"
    for p in "$@"; do params="$params~$p"; done
    gcloud dataflow flex-template run "synthsieve-$(date -u +%Y%m%d-%H%M%S)" --project="$PROJECT" --region="$REGION" \
      --template-file-gcs-location="$(template)" --service-account-email="$SERVICE_ACCOUNT" \
      --parameters="$params"
    ;;
  *)
    sed -n '2,12p' "$0" >&2
    exit 2
    ;;
esac

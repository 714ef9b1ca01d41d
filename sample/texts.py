"""Document texts of the bundled sample corpus.

Every text here was written for synthsieve by its developers; none is copied from a data set or a web page. The
"synthetic" texts imitate the house style of chat assistants on purpose; they were written by hand too. People,
places, shops and products are made up, and so are the web addresses.

``DOCS`` is a list of dicts with the keys ``key`` (short slug), ``text``, ``kind`` (``human`` | ``synthetic`` |
``short`` | ``list``), ``url``, ``date`` (ISO 8601 string or ``None``) and ``lang``.
"""

from __future__ import annotations

import re
import textwrap

_LIST_ITEM = re.compile(r"^(\d+\.|[-*•])\s")


def _prose(block: str) -> str:
    """Unwraps a triple-quoted text: blank lines part paragraphs, wrapped lines join, list items keep their line."""
    paragraphs = []
    for paragraph in textwrap.dedent(block).strip().split("\n\n"):
        lines: list[str] = []
        for line in paragraph.split("\n"):
            if lines and not _LIST_ITEM.match(line.strip()):
                lines[-1] += " " + line.strip()
            else:
                lines.append(line.strip())
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def _verbatim(block: str) -> str:
    """Keeps a code or table text line for line, without the source indentation."""
    return textwrap.dedent(block).strip("\n")


def _doc(key: str, kind: str, url: str, date: str | None, text: str, lang: str = "en") -> dict:
    return {"key": key, "text": text, "kind": kind, "url": url, "date": date, "lang": lang}


HUMAN = [
    _doc(
        "castiron-rust",
        "human",
        "https://forum.skilletsociety.net/t/rusty-grandma-pan-help/4412",
        "2019-04-12",
        _prose("""
        ok so I did the dumb thing and left my grandmas cast iron pan soaking in the sink overnight. woke up and its
        got this orange rust bloom all over the bottom, like a map of somewhere. my wife says toss it, I say no way,
        this pan has been in the family since like 1970-something and it makes the best cornbread ive ever had.

        what I tried so far: steel wool + dish soap (yes I know, soap, but the seasoning was already toast), dried it
        on the burner, rubbed a thin coat of crisco on it and stuck it upside down in the oven at 450 for an hour. it
        came out kinda sticky and blotchy?? theres a brown ring near the handle that wont go away.

        Do I need to do more coats or did I use too much grease. also is flaxseed oil actually better or is that just
        an internet thing. pics later when my phone charges. thx in advance guys
    """),
    ),
    _doc(
        "civic-p0420",
        "human",
        "https://www.civicgarage-forums.com/threads/p0420-on-09-lx-cat-or-sensor.88213/",
        "2017-09-03T21:47:00-05:00",
        _prose("""
        Throwing this out there before I drop $900 on a cat. 09 Civic LX, 148k miles, CEL came on last tuesday with
        P0420 (catalyst below threshold bank 1). Car runs fine, no rattle, mileage is the same as always, roughly 31 on
        the highway if I keep it under 70.

        Shop down the road wants to replace the whole cat + upstream O2 sensor, quoted $870 plus tax. My buddy Dez
        says its probably just the downstream sensor being lazy and to swap that first for like 40 bucks on rockauto.
        I cleared the code with my cheap OBD reader and it came back after ~60 miles of mixed driving.

        Freeze frame said coolant 194F, STFT bouncing around +3/-2, nothing crazy. Anyone been down this road with the
        8th gen? Don't want to throw parts at it but also don't wanna get ripped off. Inspection is due in November so
        I got a bit of time.
    """),
    ),
    _doc(
        "plum-cake",
        "human",
        "https://tinyyellownotebook.blogspot.com/2020/11/plum-cake.html",
        "2020-11-22",
        _prose("""
        Plum cake, the one from the yellow notebook. Before anyone asks: no, I don't know why Aunt Rosa wrote it on
        the back of an electricity bill from 1988, but that's where it lives now, taped inside the cupboard door.

        You need about a kilo of the small blue plums, the Italian kind, the ones that go wrinkly and sweet in
        September. Halve them, take out the stones, and DON'T peel them, whatever my brother tells you. The dough is
        basically 250 g flour, 125 g butter, one egg, a little sugar, half a packet of baking powder and a splash of
        milk until it stops being crumbly. Press it into the tin with your fingers. It will look like not enough
        dough. It is enough.

        Stand the plum halves up on their ends in tight rows, like they're waiting for a bus. Cinnamon sugar on top.
        180 degrees, 45 minutes, maybe 50 if your oven is as tired as mine.

        Side note, the year we used a glass dish it stuck so badly Dad ate it out of the dish with a spoon, standing
        up at the counter. Use the metal one.
    """),
    ),
    _doc(
        "millbrook-meters",
        "human",
        "https://www.millbrook-gazette.co.uk/news/2021/03/parking-meters-approved",
        "2021-03-09T07:30:00+00:00",
        _prose("""
        MILLBROOK — Town councillors voted 5–2 on Monday night to install pay-and-display meters on Station Road and
        the lower half of Quarry Lane, ending nearly forty years of free parking in the village centre.

        The scheme, proposed by Cllr Janet Okafor (Transport), will charge £1.20 per hour between 8am and 6pm, Monday
        to Saturday, with the first 30 minutes free. Twelve meters are expected to be in place by the end of June at a
        cost of roughly £38,000, which the council says will be recovered within three years.

        Cllr Derek Hollis, who voted against, said shop owners had not been properly consulted. "We had one meeting
        in the library and half the people there didn't know what it was about," he told the chamber. A petition with
        412 signatures was handed in before the vote.

        Residents with a valid permit (£45 a year) will be exempt. Blue badge holders park free. The council's next
        meeting is on 12 April at 7pm in the Memorial Hall and is open to the public.
    """),
    ),
    _doc(
        "trek-chain-skip",
        "human",
        "https://spokesandspanners.org.uk/2018/05/skipping-chain-trek-72/",
        "2018-05-27",
        _prose("""
        Quick one today because the kids are asleep and I've got grease up to my elbows. Neighbour's 2012 Trek 7.2
        came over the fence (figuratively) with the classic complaint: chain skips on the middle cogs, worse going
        uphill, fine on the big ones.

        First thing I always check is chain stretch. Park tool checker dropped right in at 0.75, so yes, it's worn,
        but not cassette-killing worn... hopefully. New KMC chain, 8 speed, cut to match the old one link for link.
        Still skipped on 4th and 5th.

        So then it's cable tension. Shifted to the smallest cog, unscrewed the barrel adjuster on the shifter a half
        turn at a time, pedalling backwards on the stand between each go. Two half turns and it went quiet. The hanger
        also looked a hair bent, I eyeballed it with the rear wheel as a reference and nudged it, which is not how the
        pros do it but hey.

        Test ride round the block, up the hill by the school, not a single skip. Total cost £11 for the chain and a
        beer he owes me.
    """),
    ),
    _doc(
        "static-orchard-gig",
        "human",
        "https://gigdiary.wordpress.com/2016/10/15/static-orchard-corn-exchange/",
        "2016-10-15",
        _prose("""
        ok I need to talk about the Static Orchard show at the Corn Exchange last night because I still cant hear
        properly out of my left ear and it was worth it.

        They opened with Paper Lungs which nobody expected, usually its the closer. Mira's voice was a bit rough at
        the start (she said she had a cold lol) but by the third song she was fine. The new stuff off Lowlight sounds
        WAY better live than on the record, the drums on the record are so flat imo, live they actually hit you in
        the chest.

        Low points: sound guy clearly didn't know what to do with the keyboard, you couldnt hear it for half the set.
        And the merch queue was insane, 40 min for a tshirt that's a size too big because they ran out of mediums.

        But then the encore. Just Mira and the acoustic doing Harbour Lights with the whole room singing and some guy
        behind me crying into his pint. 9/10, would lose hearing again.
    """),
    ),
    _doc(
        "washer-refund",
        "human",
        "https://www.moanboard.co.uk/complaints/appliance-delivery-55820",
        "2022-02-14",
        _prose("""
        Subject: Order 55820-B - third missed delivery, I want a refund

        To whoever actually reads these,

        This is now the THIRD time your company has told me my washing machine will arrive 'between 7am and 1pm' and
        the THIRD time nobody has turned up. I took a day of unpaid leave on the 3rd, I worked from my kitchen table
        on the 9th, and today I sat by the window like a dog waiting for its owner until half past two. Nobody called.
        The tracking page still says 'out for delivery' from last Thursday.

        When I phoned your helpline I was on hold for 52 minutes and then a very nice lad called Ryan told me he
        'couldn't see the driver's notes'. That's not my problem.

        I paid £479 on 28 January. I have been washing clothes in the bath for two weeks. I want a full refund to my
        card within 5 working days, or I'm going to my bank and to Trading Standards. Please don't reply with a
        template.

        Karen Whitfield (yes, really, that's my actual name, I've heard all the jokes)
    """),
    ),
    _doc(
        "winter-1963",
        "human",
        "https://ferryrowmemories.blogspot.com/2015/01/winter-1963.html",
        "2015-01-18",
        _prose("""
        My granddaughter asked me what winter was like when I was her age so I'm writing it down here for her,
        because I never finish the story when I tell it out loud.

        The winter of 1963 the snow came on Boxing Day and didn't properly go until March. We lived in the end house
        on Ferry Row and the coal man couldn't get his lorry up the hill, so my father and Mr Pellow from next door
        went down with the old pram and brought coal back a sack at a time. Mum kept the range going day and night
        and we all slept in the kitchen, me and our Pat top to tail on the settee.

        The milk froze in the bottles on the step and pushed the foil caps up like little hats. The birds pecked
        through them for the cream. We had no school for eleven days and I thought it was the best thing ever
        happened.

        I don't remember being cold, funny enough. I remember the smell of wet wool drying on the rack and Dad singing.
    """),
    ),
    _doc(
        "dht22-cable",
        "human",
        "https://notes.shedlab.dev/dht22-none-readings",
        "2020-07-02T23:58:00+01:00",
        _prose("""
        Notes to self (and anyone googling this at 1am like I was): DHT22 on a Pi Zero W returning None about 1 read
        in 4, and occasionally a humidity of 3276.7% which is obviously nonsense.

        Setup: sensor on GPIO4, 10k pull-up between data and 3.3V, about 2.5 m of cheap alarm cable to get it out of
        the shed window. Using the Adafruit library, reading every 60 s, logging to a sqlite file.

        Things that did NOT help: swapping the sensor (had a spare), changing the pull-up to 4.7k, running as root.

        What fixed it: the cable. Shortened it to about 40 cm just to test and failures went to basically zero over
        24h (2 out of 1440). The DHT22 timing is tight and long unshielded runs mess it up. Moved the Pi into the shed
        in a sandwich box instead, powered over a long USB cable, which is the wrong way round maybe but it works.

        Also: the 3276.7 thing is a bad checksum getting through, so I just drop anything outside 0-100% now. Next
        job is a BME280 because apparently I2C is less fussy.
    """),
    ),
    _doc(
        "balkon-solar",
        "human",
        "https://www.balkon-solar-forum.de/thread/2281-mietwohnung-gelaender-halterung/",
        "2021-08-19",
        _prose("""
        Hallo zusammen, kurze Frage an die Leute die sowas schon laufen haben. Wir wohnen im 3. OG zur Miete, Balkon
        geht nach Südwest, kein Schatten außer nachmittags vom Nachbarbaum. Ich hab mir jetzt zwei Module mit je
        300 Wp und einen 600W Wechselrichter angeschaut, zusammen ca. 750 Euro.

        Der Vermieter hat per Mail geschrieben "grundsätzlich ok, aber nicht an der Fassade bohren". Also müssten die
        Module irgendwie ans Geländer. Hat jemand Erfahrung mit den Halterungen zum Klemmen? Unser Geländer ist so ein
        Metallding mit Glasfüllung, weiß nicht ob das die Windlast aushält, im Winter pfeift es hier ordentlich.

        Zweite Frage: Schuko-Stecker oder Wieland? Der Elektriker meinte Wieland wäre "sauberer", will dafür aber 180
        Euro für eine neue Dose. Mein Schwager sagt, das macht eh jeder mit Schuko. Ich will halt keinen Stress mit
        der Versicherung wenn was ist.

        Danke schon mal und sorry für den langen Text!
    """),
        lang="de",
    ),
    _doc(
        "sommerfest-kgv",
        "human",
        "https://www.kgv-am-muehlengraben.de/aktuelles/sommerfest-2019",
        "2019-06-30",
        _prose("""
        Sommerfest 2019 – ein Rückblick

        Bei bestem Wetter und 31 Grad im Schatten feierte der Kleingartenverein Am Mühlengraben e.V. am vergangenen
        Samstag sein traditionelles Sommerfest. Rund 140 Besucherinnen und Besucher kamen auf das Vereinsgelände,
        darunter auch Ortsvorsteher Klaus Brendel, der in seiner kurzen Ansprache den neuen Spielplatz lobte.

        Besonders begehrt war wieder der Kuchenbasar: Bis 16 Uhr waren alle 23 Bleche verkauft, der Erlös von 612 Euro
        geht an die Kita Sonnenblume. Beim Kürbis-Wiegen gewann Parzelle 47 (Familie Yilmaz) mit stolzen 38,4
        Kilogramm, knapp vor dem Vorjahressieger Herbert Lange.

        Ein großes Dankeschön an alle Helfer, vor allem an Renate und Uwe, die schon um sechs Uhr früh die Bänke
        aufgebaut haben. Leider hat der Grill gegen Abend seinen Geist aufgegeben, weshalb die letzten Würstchen in
        der Pfanne im Vereinsheim landeten – geschmeckt hat es trotzdem.

        Die nächste Mitgliederversammlung findet am 14. September um 18 Uhr statt.
    """),
        lang="de",
    ),
    _doc(
        "jardin-tanneurs",
        "human",
        "https://jardin-des-tanneurs.fr/2020/05/nouvelles-du-jardin/",
        "2020-05-23",
        _prose("""
        Petit billet du jardin partagé de la rue des Tanneurs, parce que plusieurs voisins m'ont demandé des
        nouvelles pendant le confinement.

        Alors : les fèves ont tenu, les radis ont été mangés par quelqu'un (limaces ou gamins, l'enquête continue), et
        les trois pieds de tomates que Madame Benali avait semés sur son rebord de fenêtre en mars sont enfin en terre
        depuis mardi. On a mis des tuteurs en bambou récupérés chez le fleuriste, ça tient à peu près.

        Le récupérateur d'eau est plein grâce aux orages de la semaine dernière, mais le robinet fuit toujours. Si
        quelqu'un a un joint de 20/27 qui traîne, je prends !

        On se retrouve dimanche à 10 h pour désherber le carré du fond, avec masques et chacun ses outils s'il vous
        plaît. Julien apporte le café. Moi j'apporte des boutures de menthe, il y en a beaucoup trop, elle a envahi
        le compost.
    """),
        lang="fr",
    ),
    _doc(
        "perra-miedo",
        "human",
        "https://www.foromascotas-es.com/perros/comportamiento/lola-no-quiere-salir-5512",
        "2018-02-11",
        _prose("""
        Buenas a todos. Os cuento a ver si a alguien le ha pasado. Tengo una perrita mestiza de unos 4 años, Lola, 12
        kilos, adoptada de la protectora de Alcalá. Desde hace como dos semanas cada vez que salimos a la calle se
        queda clavada en el portal y no hay manera de que ande, tira para atrás y tiembla.

        Antes le encantaba salir. Lo único que ha cambiado es que delante de casa están con obras de la calle y hay
        una máquina que hace un ruido tremendo, pero los fines de semana no trabajan y aun así no quiere salir.

        La veterinaria dice que físicamente está bien y que es miedo, que tenga paciencia y que le dé premios cuando
        avance un poco. Lo estoy haciendo pero vamos, llevamos 15 minutos para hacer 20 metros jaja.

        ¿Alguien ha probado lo de sacarla en coche a otro sitio para pasear? ¿O es peor? Se agradece cualquier
        consejo, de verdad, que me da mucha pena verla así.
    """),
        lang="es",
    ),
    _doc(
        "nitrite-spike",
        "human",
        "https://www.nanotankforum.co.uk/topic/31877-nitrite-spike-cycled-60l/",
        "2014-03-06",
        _prose("""
        Help, nitrite spike in my 60L and I don't know why. Tank's been running since October, fully cycled, 6
        harlequin rasboras, 4 amano shrimp, a nerite and a bunch of java fern.

        Did my normal 25% water change on Sunday, rinsed the sponge in old tank water like always. Tuesday evening the
        rasboras were hanging near the top and gasping a bit. Tested: ammonia 0, nitrite 0.5 (!), nitrate around 20.
        API liquid kit, not strips.

        Only thing I can think of is I swapped the carbon pad for a new one the same day?? Could that have knocked out
        enough bacteria? Or the shrimp molted and I didn't find the shell... or maybe a dead snail I haven't spotted.

        Doing 30% changes daily with prime for now and I stopped feeding for 2 days. Nitrite down to 0.25 tonight. Any
        ideas what else to check? Really don't want to lose these guys, the shrimp are finally not hiding all day.
    """),
    ),
    _doc(
        "missed-ferry",
        "human",
        "https://rainonthetent.net/scotland-2019/day-6-mull",
        "2019-08-14",
        _prose("""
        Day 6. Missed the ferry to Mull. Not 'just missed it', we watched it leave. We were on the slipway with our
        rucksacks and the bloke in the hi-vis gave us a little wave.

        The reason we missed it is Tom insisted on stopping at the smokehouse in Oban for 'one quick sandwich' which
        turned into a 25 minute chat with the owner about his uncle who used to fish out of Tobermory. Sandwich was
        incredible though, I'll give him that. Hot smoked salmon, brown bread, way too much butter.

        Next sailing was 4:15 so we sat on the harbour wall and watched a seal take a fish off a bloke's line. The
        seal's name is apparently Sammy and everyone in Oban knows him. I asked three people.

        Got across eventually, the campsite at Craignure had one pitch left right next to the toilet block, which
        smelled of bleach and midges all night. Rain started at 2am. Tom's side of the tent leaks. Mine doesn't.
        Karma.
    """),
    ),
    _doc(
        "u12-plate",
        "human",
        "https://www.hensfordroversjfc.co.uk/news/u12-riverside-cup-plate",
        "2022-06-20T18:05:00+01:00",
        _prose("""
        Under-12s round-up: what a weekend!

        Our U12 Blues travelled to the Riverside Cup in Hensford on Saturday and came home with the plate trophy,
        which honestly nobody saw coming after a 3–0 loss to Castlegate in the first group match.

        After that wobble the lads regrouped (cheers to coach Mo for the half-time orange slices and the pep talk). A
        1–1 draw against Hensford Athletic and a 2–0 win over Dalby Juniors got us through to the plate semi, where
        Jayden's free kick from miles out won it in the last minute. The final against St Aidan's went to penalties.
        Ollie G saved two and Kacper calmly put away the winner.

        Special mention to Freya in goal for the first two games, playing up an age group and not looking at all out
        of place.

        Subs for the summer are now due (£35 per player, to Linda as usual). Training stays on Wednesdays 6–7:30 at
        the rec until the end of July.
    """),
    ),
    _doc(
        "tent-review",
        "human",
        "https://www.wildcampers-forum.uk/reviews/trailmark-ridge-2",
        "2023-07-30",
        _prose("""
        Bought the Trailmark Ridge 2 (the £89 one, green) for a three night trip on Dartmoor and figured I'd leave a
        proper review since the ones on the shop site are all 'great tent, fast delivery'.

        Pitching: easy once you realise the poles are colour coded, which the instructions don't mention. First time
        took me 20 min in wind, second time about 8.

        Rain: we had a properly filthy night on the second day and the inside stayed dry except where my mate's
        sleeping bag touched the inner wall. Condensation was bad though, I wiped about a cup of water off the fly in
        the morning. Open both vents even if it's cold.

        Weight is 2.6kg which is heavy for a 'backpacking' tent. Pegs are rubbish, bent three on the first night,
        bring your own. Also the zip on the porch started catching by day three. Not broken, just annoying.

        For the money? Fine. For a wild camping trip where you carry it all day? I'd save up for something lighter.
    """),
    ),
    _doc(
        "photocopier",
        "human",
        "https://staffroomwhinge.wordpress.com/2012/10/04/nine-days/",
        "2012-10-04",
        _prose("""
        The photocopier on the second floor has now been broken for nine school days. Nine. I counted, because
        counting is apparently the only thing I'm allowed to do that doesn't require paper.

        The official procedure is you email the office, the office emails the bursar, the bursar phones the company,
        the company sends a man called Gary who arrives during period 3, opens the side panel, says 'ooh' and leaves.
        Gary has been twice.

        Meanwhile 28 Year 9s need a worksheet on the causes of the First World War and I have one copy. So I did what
        every teacher in the building is doing, which is queue at the ground floor machine at 8:05 behind the maths
        department, who are printing what I can only assume is the entire GCSE specification, double-sided.

        Yes I know about the interactive whiteboard. The interactive whiteboard in my room has a dead pixel exactly
        where the word 'Franz' goes. It's been that way since 2010.

        Anyway. Gary, if you're reading this, it's the fuser. Everyone knows it's the fuser.
    """),
    ),
    _doc(
        "tap-washer",
        "human",
        "https://www.fixitpete.co.uk/kitchen-tap-washer",
        None,
        _prose("""
        Kitchen tap finally got me. Dripping about once a second, which doesn't sound like much until you're trying
        to sleep and the kitchen's right under the bedroom.

        It's an old-style pillar tap with the cross head, so I figured washer. Turned the water off under the sink
        (the little valve was stiff, needed a bit of WD-40 and a towel for grip). Prised off the hot/cold cap with a
        butter knife, undid the screw, pulled the head off. Big nut underneath, 19mm I think, came undone with an
        adjustable once I put another spanner on the tap body so I didn't twist the whole thing off the worktop.
        Learned that one the hard way at the last house.

        The washer was basically a flat black biscuit, cracked right across. Replaced it with a 1/2 inch one from the
        multipack (£3.50 at the hardware place, forty washers I'll never use). Put it all back, water on, no drip.

        Took 25 minutes including finding the adjustable. The plumber quote was £70 call-out.
    """),
    ),
    _doc(
        "bus-14-letter",
        "human",
        "https://www.eastwick-chronicle.co.uk/letters/2011/05/number-14-bus",
        "2011-05-17",
        _prose("""
        Sir,

        I read with dismay in last Thursday's paper that the county council intends to withdraw the number 14 bus
        service between Eastwick and the hospital from the end of July, on the grounds that 'passenger numbers do not
        justify the subsidy'.

        I have taken the 14 twice a week for the past six years to visit my husband, who is in long-term care at St
        Luke's. On most journeys there are between ten and fifteen of us, nearly all pensioners, several with walking
        frames. I would like to know where the council counted, and when.

        The alternative suggested by Councillor Marsh, two buses and a change in the town centre, would turn a 25
        minute trip into well over an hour, with a wait at a stop that has no shelter. For many of us that simply
        means we will not go.

        I would urge every reader who uses this route to write to the council before the consultation closes on 3
        June.

        Yours faithfully,

        Margaret Dunmore, Eastwick
    """),
    ),
    _doc(
        "tomato-blight",
        "human",
        "https://plot9diaries.co.uk/2023/08/blight-again",
        "2023-08-21",
        _prose("""
        Well that's the outdoor tomatoes done for this year. Came down Sunday morning and the Gardener's Delight on
        plot 9 had gone brown overnight, stems with those black greasy patches, leaves curling. Blight. The wet week
        did it, everyone on the site has it, Bob on plot 12 lost all his potato haulms too.

        Pulled the lot, about 30 plants across two beds. Did NOT put them in the compost, bagged them for the tip like
        the committee keeps telling people. Saved maybe 4 kilos of green ones, which are now ripening in a drawer with
        a banana, and the rest of the trusses I'll turn into green tomato chutney if I can find Mum's recipe.

        Greenhouse ones are fine so far, fingers crossed, I've cut off every lower leaf and stopped watering from
        above.

        Lesson for next year: get Crimson Crush or one of the resistant ones and stop being sentimental about the
        heritage varieties. Also take the polytunnel plunge. Also stop saying that every August.
    """),
    ),
    _doc(
        "worked-japan",
        "human",
        "https://wireinatree.blog/2016/02/worked-japan",
        "2016-02-28T09:15:00Z",
        _prose("""
        Finally worked Japan on 20m! Logging it here because I've been trying for about eight months with my sad
        little setup.

        Station: second-hand Yaesu FT-450, 100W, into an end-fed half-wave strung from the chimney to the apple tree,
        roughly 10 m up at the high end and maybe 4 m at the tree. Tuner in the shack, coax run is about 15 m of RG-58
        which everyone on the club net says I should replace with something better and they're right.

        Contact was at 07:42 UTC, a JA1 station (I'll put the full call in the logbook, don't want to post it here
        without asking), on FT8 first and then he came back and we actually did a short SSB exchange on 14.195. He
        gave me a 5-5, I gave him a 5-7. Grey line propagation I assume, sun coming up here and going down there.

        My hands were shaking. 9,400 km from a bit of wire on an apple tree. Wife asked why I was grinning at
        breakfast. Hard to explain.
    """),
    ),
    _doc(
        "twice-a-year-bug",
        "human",
        "https://blog.quietdeploy.dev/posts/twice-a-year-bug",
        "2024-01-09",
        _prose("""
        Spent most of Tuesday chasing a bug that turned out to be, of course, a timezone.

        Our nightly export job runs at 00:30 and pulls 'yesterday's' orders. Twice a year, a handful of customers
        complained their report was missing orders or had duplicates. Nobody could reproduce it. It had been in the
        backlog since 2021 with the title 'report weird sometimes??'.

        The cron box is on UTC. The job computed 'yesterday' with date.today() minus one day, but the orders table
        stores local time for the warehouse, Europe/London, naive timestamps, no offset. So for the weeks around the
        clock change, the window was shifted by an hour and orders placed between midnight and 1am landed in the
        wrong day's report. The 'twice a year' clue was right there the whole time.

        Fix was three lines: build the window as aware datetimes in Europe/London with zoneinfo, convert to UTC for
        the query. The migration to store UTC in the table is a separate ticket that I expect to see again in 2027.

        Moral: if a bug happens twice a year, check the calendar first.
    """),
    ),
    _doc(
        "hatherley-mill",
        "human",
        "https://www.hatherley-history.org.uk/places/the-old-mill",
        None,
        _prose("""
        The old mill at Hatherley Bridge is older than most people think. The stone over the door says 1791, but
        that's the rebuild after the flood; there was a mill on this spot in the parish records from at least 1620,
        when one Thomas Aske was fined for taking more than his share of the water.

        The Prior family ran it for most of the 1800s. The last miller, Alfred Prior, ground flour here until 1934,
        when the big roller mills in town made it uneconomic. My grandfather remembered buying a bag of bran from him
        as a boy for his mother's hens, a penny ha'penny.

        During the war the building was used to store tinned food for the district, and there is a story, never
        confirmed, that a crate of pineapple chunks went missing and turned up at the Christmas dance in the church
        hall.

        The wheel itself rotted away in the 1960s. What you can still see is the wheel pit, the iron axle, and the
        sluice gate, which the Society is hoping to restore if the lottery bid comes through.
    """),
    ),
]

SYNTHETIC = [
    _doc(
        "time-management",
        "synthetic",
        "https://www.productivitypulsehub.com/blog/time-management-tips",
        "2023-05-17T08:14:00Z",
        _prose("""
        In today's fast-paced world, effective time management has become more important than ever. Whether you are a
        student, a busy professional, or a parent juggling multiple responsibilities, learning how to manage your
        time wisely can significantly improve your productivity and overall well-being.

        One of the most effective strategies is prioritization. By identifying your most important tasks and tackling
        them first, you can ensure that your energy is focused on what truly matters. Tools such as the Eisenhower
        Matrix can help you distinguish between tasks that are urgent and those that are important.

        Moreover, setting clear and achievable goals provides a sense of direction and purpose. Breaking larger
        projects into smaller, manageable steps makes them less overwhelming and allows you to track your progress
        along the way.

        Furthermore, it's important to note that rest is an essential part of productivity. Taking regular breaks can
        help prevent burnout and keep your mind sharp.

        In conclusion, mastering time management is a journey rather than a destination. By implementing these
        strategies consistently, you can unlock your full potential and achieve a healthier work-life balance.
    """),
    ),
    _doc(
        "remote-work",
        "synthetic",
        "https://worksmartdaily.com/remote-work-benefits-challenges",
        "2023-09-05",
        _prose("""
        Remote work has transformed the way we think about the modern workplace. As more companies embrace flexible
        arrangements, it's essential to understand both the benefits and the challenges of working from home.

        Benefits of remote work:
        1. Flexibility: Employees can structure their day in a way that suits their personal needs.
        2. Reduced commuting: Eliminating the daily commute saves time, reduces stress, and lowers emissions.
        3. Access to talent: Companies can hire the best candidates regardless of geographic location.
        4. Cost savings: Both employers and employees can save money on office space, transportation, and meals.

        Challenges of remote work:
        1. Isolation: Working alone can lead to feelings of loneliness and disconnection from colleagues.
        2. Communication barriers: Without face-to-face interaction, misunderstandings can occur more easily.
        3. Work-life boundaries: It can be difficult to separate professional and personal life at home.

        Ultimately, the success of remote work depends on clear communication, the right tools, and a supportive
        company culture. By addressing these challenges proactively, organizations can create a thriving remote work
        environment that benefits everyone.
    """),
    ),
    _doc(
        "sustainable-garden",
        "synthetic",
        "https://greenthumbguides.net/sustainable-gardening",
        "2023-04-11",
        _prose("""
        Certainly! Here is a short blog post about sustainable gardening:

        Sustainable Gardening: Growing a Greener Future

        Gardening is more than just a hobby; it is a powerful way to connect with nature and contribute to a
        healthier planet. By adopting sustainable gardening practices, you can create a beautiful outdoor space while
        minimizing your environmental impact.

        First and foremost, consider composting. Composting kitchen scraps and yard waste not only reduces the amount
        of waste sent to landfills but also provides your plants with nutrient-rich soil. Additionally, choosing
        native plants can help support local wildlife, such as bees and butterflies, while requiring less water.

        Water conservation is another key aspect of sustainable gardening. Installing a rain barrel or using drip
        irrigation can significantly reduce water usage. Mulching is also an excellent way to retain soil moisture
        and suppress weeds naturally.

        By embracing these simple yet effective practices, you can transform your garden into a thriving, eco-friendly
        haven. Happy gardening!

        I hope this helps! Let me know if you would like me to adjust the tone or length of the post.
    """),
    ),
    _doc(
        "paris-tips",
        "synthetic",
        "https://wanderwiseblog.com/paris-first-time-tips",
        "2023-03-28",
        _prose("""
        As an AI language model, I don't have personal experiences or preferences, but I can certainly provide you
        with some helpful tips for visiting Paris for the first time.

        1. Plan your visits to popular attractions: Iconic landmarks such as the Eiffel Tower and the Louvre can get
        very crowded. Consider booking tickets in advance to skip the lines.
        2. Explore the neighborhoods: Each arrondissement has its own unique charm. Take time to wander through
        Montmartre, Le Marais, and Saint-Germain-des-Prés.
        3. Use public transportation: The Paris Métro is an efficient and affordable way to get around the city.
        4. Learn a few basic French phrases: While many Parisians speak English, making an effort to speak French is
        often appreciated.
        5. Enjoy the café culture: Sitting at a sidewalk café and watching the world go by is a quintessential
        Parisian experience.

        Overall, Paris is a city rich in history, culture, and culinary delights. By planning ahead and embracing the
        local way of life, you can make the most of your visit. Bon voyage!
    """),
    ),
    _doc(
        "italian-cuisine",
        "synthetic",
        "https://tastetrailsmag.com/italian-cuisine-guide",
        "2024-01-20",
        _prose("""
        Italian cuisine is a rich tapestry of regional traditions, time-honored techniques, and fresh, high-quality
        ingredients. In this article, we will delve into the key elements that make Italian food so beloved around
        the world.

        At the heart of Italian cooking lies a deep respect for simplicity. Many classic dishes rely on just a handful
        of ingredients, allowing the natural flavors to shine. For example, a traditional Margherita pizza showcases
        the harmonious combination of tomatoes, mozzarella, and fresh basil.

        Moreover, each region of Italy boasts its own distinct culinary identity. In the north, creamy risottos and
        hearty polenta are staples, while the south is renowned for its vibrant tomato-based sauces and fresh
        seafood. This diversity reflects the country's unique geography, climate, and history.

        It's also worth noting that Italian meals are often a social occasion. Sharing food with family and friends is
        a cherished tradition that fosters connection and community.

        In conclusion, Italian cuisine is far more than a collection of recipes; it is a celebration of culture,
        heritage, and the simple joy of sharing a meal. Buon appetito!
    """),
    ),
    _doc(
        "cybersecurity-smb",
        "synthetic",
        "https://bizsecureinsights.com/cybersecurity-small-business",
        "2023-11-02T10:00:00+00:00",
        _prose("""
        In an increasingly digital landscape, cybersecurity has become a critical concern for businesses of all
        sizes. While large corporations often make headlines when they experience data breaches, small businesses are
        equally vulnerable to cyber threats. In fact, they are often targeted precisely because they may lack robust
        security measures.

        One of the most important steps a small business can take is to educate its employees. Human error remains
        one of the leading causes of security incidents, so regular training on topics such as phishing, password
        hygiene, and safe browsing practices is essential.

        Additionally, implementing multi-factor authentication (MFA) can add an extra layer of protection to
        sensitive accounts. Regularly updating software and operating systems is equally crucial, as updates often
        include patches for known vulnerabilities.

        Furthermore, businesses should establish a comprehensive backup strategy. Storing backups securely and testing
        them regularly ensures that critical data can be restored in the event of a ransomware attack or system
        failure.

        In conclusion, cybersecurity is not a one-time investment but an ongoing commitment. By taking proactive
        measures, small businesses can safeguard their data, protect their customers, and build lasting trust.
    """),
    ),
    _doc(
        "mindfulness",
        "synthetic",
        "https://calmcornerwellness.com/mindfulness-meditation-benefits",
        "2024-02-14",
        _prose("""
        Mindfulness meditation has gained significant popularity in recent years, and for good reason. This ancient
        practice, rooted in Buddhist traditions, offers a wide range of benefits for both the mind and the body.

        At its core, mindfulness involves paying attention to the present moment without judgment. By focusing on the
        breath, bodily sensations, or the surrounding environment, practitioners can cultivate a greater sense of
        awareness and inner calm.

        Research has shown that regular mindfulness practice can help reduce stress, anxiety, and symptoms of
        depression. It can also improve focus, emotional regulation, and overall well-being. Some studies even suggest
        that mindfulness may have positive effects on physical health, such as lowering blood pressure and improving
        sleep quality.

        Getting started is easier than you might think. Simply set aside five to ten minutes each day, find a quiet
        space, and gently bring your attention to your breath. Whenever your mind wanders, acknowledge the thought
        and return your focus to the present.

        Remember, mindfulness is a skill that develops over time. Be patient with yourself, and embrace the journey
        toward a more peaceful and balanced life.
    """),
    ),
    _doc(
        "electric-vehicles",
        "synthetic",
        "https://futuredrivereview.com/electric-vehicles-pros-cons",
        "2023-06-22",
        _prose("""
        Electric vehicles (EVs) are rapidly reshaping the automotive industry. As governments and consumers alike seek
        cleaner alternatives to traditional gasoline-powered cars, it is important to weigh the advantages and
        disadvantages of making the switch.

        On the positive side, EVs produce zero tailpipe emissions, which can contribute to improved air quality and a
        reduction in greenhouse gas emissions. They also tend to have lower operating costs, as electricity is
        generally cheaper than gasoline and electric motors require less maintenance than internal combustion
        engines. Moreover, many regions offer tax incentives and rebates to encourage EV adoption.

        However, there are also some challenges to consider. The upfront cost of an electric vehicle can be higher
        than that of a comparable conventional car. Additionally, charging infrastructure is still developing in many
        areas, which may cause range anxiety for drivers who frequently travel long distances. Battery production
        also raises environmental and ethical concerns related to the mining of raw materials.

        Ultimately, the decision to purchase an electric vehicle depends on individual needs, driving habits, and
        budget. As technology continues to advance, EVs are poised to play an increasingly significant role in the
        future of transportation.
    """),
    ),
    _doc(
        "brewmaster-pro",
        "synthetic",
        "https://shop.brewmasterdirect.com/products/brewmaster-pro-3000",
        "2023-02-19",
        _prose("""
        Introducing the BrewMaster Pro 3000, the ultimate coffee maker for coffee lovers who refuse to compromise on
        quality. With its sleek stainless steel design and intuitive controls, this machine is the perfect addition
        to any modern kitchen.

        The BrewMaster Pro 3000 features a programmable timer, allowing you to wake up to the rich aroma of freshly
        brewed coffee every morning. Its advanced thermal carafe keeps your coffee hot for hours without compromising
        flavor, while the built-in grinder ensures that every cup is made from freshly ground beans.

        Key features include:
        - 12-cup capacity, perfect for families and offices
        - Adjustable brew strength for a personalized experience
        - Easy-to-clean removable components
        - Energy-saving auto shut-off function

        Whether you prefer a bold espresso-style brew or a smooth, mellow cup, the BrewMaster Pro 3000 delivers
        exceptional results every time. Elevate your morning routine and experience coffee the way it was meant to be
        enjoyed.

        Regenerate response
    """),
    ),
    _doc(
        "budgeting-tips",
        "synthetic",
        "https://moneymindfulhub.com/budgeting-tips",
        "2023-08-09",
        _prose("""
        Creating a budget is one of the most effective ways to take control of your finances. Here are some
        practical tips to help you get started:

        1. Track your spending: Before you can create a realistic budget, it's important to understand where your
        money is going. Review your bank statements and categorize your expenses.
        2. Set clear financial goals: Whether you're saving for a vacation, paying off debt, or building an emergency
        fund, having specific goals will keep you motivated.
        3. Follow the 50/30/20 rule: Allocate 50% of your income to needs, 30% to wants, and 20% to savings and debt
        repayment.
        4. Automate your savings: Setting up automatic transfers ensures that you consistently save without having to
        think about it.
        5. Review and adjust regularly: Your financial situation may change over time, so it's essential to revisit
        your budget periodically.

        Remember, budgeting is not about restricting yourself; it's about making intentional choices that align with
        your values and long-term goals. With patience and consistency, you can achieve financial stability and peace
        of mind.

        I hope this helps! Let me know if you have any other questions.
    """),
    ),
    _doc(
        "blockchain-supply",
        "synthetic",
        "https://techforwardinsights.io/blockchain-supply-chain",
        "2023-10-18",
        _prose("""
        Blockchain technology has emerged as a transformative force in supply chain management. By providing a
        decentralized and immutable ledger, blockchain offers unprecedented levels of transparency, traceability, and
        security.

        One of the key benefits of blockchain in the supply chain is enhanced traceability. Every transaction or
        movement of goods can be recorded on the blockchain, creating a verifiable trail from the point of origin to
        the end consumer. This is particularly valuable in industries such as food and pharmaceuticals, where
        ensuring product authenticity and safety is paramount.

        Furthermore, blockchain can streamline processes by reducing the need for intermediaries. Smart contracts,
        which are self-executing agreements coded on the blockchain, can automate payments and other actions once
        predefined conditions are met. This not only reduces administrative costs but also minimizes the risk of
        human error.

        Nevertheless, it's important to acknowledge the challenges associated with blockchain adoption, including
        scalability, interoperability, and the need for industry-wide standards.

        In summary, while blockchain is not a one-size-fits-all solution, its potential to revolutionize supply chain
        management is undeniable. Organizations that embrace this technology today will be well-positioned for the
        future.
    """),
    ),
    _doc(
        "bicycle-history",
        "synthetic",
        "https://historyhighlightsdaily.com/history-of-the-bicycle",
        "2024-03-07",
        _prose("""
        The bicycle is one of the most remarkable inventions in human history, and its evolution is a fascinating
        journey worth exploring. Let's delve into the key milestones that shaped this iconic mode of transportation.

        The earliest ancestor of the modern bicycle, known as the 'draisine' or 'running machine,' was invented by
        Karl Drais in 1817. This two-wheeled contraption had no pedals; instead, riders propelled themselves by
        pushing their feet against the ground.

        In the 1860s, pedals were attached directly to the front wheel, giving rise to the 'velocipede.' This was
        followed by the high-wheeler, or penny-farthing, which featured an enormous front wheel designed to increase
        speed. However, its design made it notoriously difficult and dangerous to ride.

        The introduction of the 'safety bicycle' in the 1880s marked a turning point. With two wheels of equal size
        and a chain-driven rear wheel, it closely resembled the bicycles we ride today.

        Today, bicycles play a vital role in promoting sustainable transportation, physical fitness, and recreation.
        Their enduring legacy is a testament to human ingenuity and the timeless appeal of simple, efficient design.
    """),
    ),
    _doc(
        "sleep-hygiene",
        "synthetic",
        "https://restwellguide.com/sleep-hygiene-tips",
        "2023-05-30",
        _prose("""
        As an AI language model, I cannot provide medical advice, but I can share some general tips that may help
        improve your sleep quality. If you continue to experience sleep difficulties, it's important to consult a
        qualified healthcare professional.

        Maintaining a consistent sleep schedule is one of the most effective strategies. Going to bed and waking up
        at the same time every day, even on weekends, helps regulate your body's internal clock.

        Creating a relaxing bedtime routine can also signal to your body that it's time to wind down. Activities such
        as reading a book, taking a warm bath, or practicing gentle stretching can promote relaxation.

        Additionally, it's a good idea to limit your exposure to screens before bed. The blue light emitted by
        phones, tablets, and computers can interfere with the production of melatonin, the hormone responsible for
        regulating sleep.

        Finally, pay attention to your sleep environment. A cool, dark, and quiet room can make a significant
        difference in the quality of your rest.

        By incorporating these habits into your daily routine, you can set the stage for more restful and
        rejuvenating sleep.
    """),
    ),
    _doc(
        "reading-children",
        "synthetic",
        "https://brightlittlemindsblog.com/reading-to-children",
        "2023-12-04",
        _prose("""
        Reading to children is one of the most valuable gifts a parent or caregiver can give. Beyond being an
        enjoyable bonding activity, it plays a crucial role in a child's cognitive, emotional, and social development.

        First and foremost, reading aloud helps children develop strong language skills. Exposure to a rich
        vocabulary and varied sentence structures lays the foundation for effective communication and future
        academic success. Moreover, listening to stories enhances comprehension and critical thinking abilities.

        Reading also fosters imagination and creativity. As children follow the adventures of beloved characters,
        they learn to visualize new worlds and explore different perspectives. This, in turn, nurtures empathy and
        emotional intelligence.

        Furthermore, establishing a regular reading routine can instill a lifelong love of books. Children who are
        read to frequently are more likely to become enthusiastic, independent readers as they grow older.

        In conclusion, the simple act of sharing a story can have a profound and lasting impact. By making reading a
        cherished part of your daily routine, you can help your child embark on a lifelong journey of learning and
        discovery.
    """),
    ),
    _doc(
        "social-media-strategy",
        "synthetic",
        "https://growthgridmarketing.com/social-media-strategy",
        "2024-04-16",
        _prose("""
        In the ever-evolving landscape of digital marketing, social media has become an indispensable tool for
        businesses seeking to connect with their target audience. A well-crafted social media strategy can boost
        brand awareness, drive engagement, and ultimately increase sales.

        To begin with, it's crucial to define your goals. Are you looking to generate leads, build a community, or
        establish thought leadership? Clear objectives will guide your content creation and help you measure success.

        Next, understanding your audience is key. By analyzing demographics, interests, and online behavior, you can
        tailor your content to resonate with the people most likely to engage with your brand.

        Consistency is another vital component. Posting regularly and maintaining a cohesive brand voice across all
        platforms helps build recognition and trust. Additionally, leveraging a mix of content types, such as videos,
        infographics, and user-generated content, can keep your audience engaged.

        Finally, don't forget to monitor your performance. Analytics tools provide valuable insights that allow you
        to refine your strategy over time.

        By following these best practices, businesses can harness the full potential of social media to achieve
        their marketing objectives.
    """),
    ),
    _doc(
        "climate-farming",
        "synthetic",
        "https://agrifuturetoday.com/climate-change-agriculture",
        "2023-07-12",
        _prose("""
        Climate change poses a significant threat to global agriculture, with far-reaching implications for food
        security, rural livelihoods, and economic stability. As temperatures rise and weather patterns become
        increasingly unpredictable, farmers around the world are facing unprecedented challenges.

        One of the most pressing concerns is the impact of extreme weather events. Droughts, floods, and heatwaves can
        devastate crops and livestock, leading to reduced yields and higher food prices. Moreover, shifting growing
        seasons may force farmers to adapt their planting schedules or switch to different crops altogether.

        However, there are also opportunities for innovation. Climate-smart agriculture, which includes practices such
        as crop diversification, conservation tillage, and precision farming, can help build resilience while
        reducing greenhouse gas emissions. Advances in drought-resistant crop varieties and efficient irrigation
        technologies further contribute to more sustainable food systems.

        It's important to note that addressing these challenges requires a collaborative effort. Governments,
        researchers, and farmers must work together to develop policies and practices that support adaptation.

        In conclusion, while climate change presents formidable obstacles, a proactive and holistic approach can pave
        the way for a more resilient agricultural future.
    """),
    ),
    _doc(
        "second-language",
        "synthetic",
        "https://polyglotpathways.net/benefits-second-language",
        "2024-05-02",
        _prose("""
        Learning a second language is an enriching experience that offers numerous personal, professional, and
        cognitive benefits. In our increasingly interconnected world, multilingualism has become a valuable asset.

        From a cognitive perspective, studies suggest that learning a new language can enhance memory,
        problem-solving skills, and mental flexibility. Bilingual individuals often demonstrate improved multitasking
        abilities and may even experience a delayed onset of age-related cognitive decline.

        Professionally, speaking a second language can open doors to new career opportunities. Employers value
        candidates who can communicate with international clients and navigate diverse cultural contexts.

        On a personal level, learning a language allows you to connect more deeply with people from different
        backgrounds. It provides a window into another culture, fostering greater understanding, empathy, and
        appreciation for diversity. Travel also becomes more immersive and rewarding when you can converse with
        locals in their native tongue.

        Whether you choose Spanish, Mandarin, French, or any other language, the journey of language learning is both
        challenging and rewarding. Embrace the process, stay consistent, and celebrate your progress along the way.
    """),
    ),
    _doc(
        "home-workouts",
        "synthetic",
        "https://fitathomehq.com/home-workout-tips",
        "2023-09-26",
        _prose("""
        Staying active doesn't have to involve an expensive gym membership. Home workouts offer a convenient and
        cost-effective way to maintain your fitness, regardless of your schedule or experience level.

        One of the greatest advantages of working out at home is flexibility. You can exercise whenever it suits you,
        whether that's early in the morning, during your lunch break, or in the evening. Additionally, bodyweight
        exercises such as push-ups, squats, lunges, and planks require no equipment at all.

        To get the most out of your home workouts, consider the following tips:
        - Create a dedicated space: Designating a specific area for exercise can help you stay focused and motivated.
        - Set realistic goals: Start with manageable targets and gradually increase the intensity over time.
        - Mix it up: Incorporating cardio, strength training, and stretching keeps your routine engaging and balanced.
        - Stay consistent: Consistency is key to seeing long-term results.

        In conclusion, home workouts are an excellent way to prioritize your health and well-being. With a little
        creativity and dedication, you can achieve your fitness goals from the comfort of your own home.
    """),
    ),
    _doc(
        "nova-x5-review",
        "synthetic",
        "https://gadgetgleamreviews.com/nova-x5-review",
        "2024-06-11",
        _prose("""
        The Nova X5 is a compelling mid-range smartphone that strikes an impressive balance between performance,
        design, and affordability. In this review, we'll take a closer look at its key features to help you decide
        whether it's the right device for you.

        Design and Display: The Nova X5 boasts a sleek, modern design with a slim profile and a premium matte finish.
        Its 6.5-inch AMOLED display delivers vibrant colors and deep blacks, making it ideal for streaming videos and
        browsing social media.

        Performance: Powered by an efficient octa-core processor and 8GB of RAM, the device handles everyday tasks and
        multitasking with ease. Gamers will appreciate the smooth performance in most popular titles.

        Camera: The triple-camera setup captures sharp, detailed images in good lighting conditions. However,
        low-light performance could be improved.

        Battery Life: With its 5000mAh battery, the Nova X5 easily lasts a full day of moderate use.

        Overall, the Nova X5 offers excellent value for money. While it may not compete with flagship devices in every
        area, it is a solid choice for budget-conscious consumers seeking a reliable and stylish smartphone.
    """),
    ),
    _doc(
        "valued-customer",
        "synthetic",
        "https://helpdesk.shopnestonline.com/replies/ticket-20931",
        None,
        _prose("""
        Dear Valued Customer,

        Thank you for reaching out to us regarding your recent experience. We sincerely apologize for any
        inconvenience this may have caused and truly appreciate your patience and understanding.

        At our company, customer satisfaction is our top priority, and we are committed to providing the highest
        level of service. We have carefully reviewed your concerns and have escalated the matter to the appropriate
        team for further investigation.

        Please rest assured that we are taking the necessary steps to resolve this issue as quickly as possible. In
        the meantime, we would like to offer you a 15% discount on your next purchase as a token of our appreciation
        for your loyalty.

        If you have any further questions or require additional assistance, please do not hesitate to contact our
        support team. We are always here to help.

        Once again, thank you for choosing us. We value your feedback and look forward to serving you in the future.

        Warm regards,

        The Customer Experience Team
    """),
    ),
    _doc(
        "riverton-council",
        "synthetic",
        "https://rivertonlocalnow.com/city-council-meeting-initiatives",
        "2024-02-08T16:30:00Z",
        _prose("""
        The City Council of Riverton recently convened to discuss a series of initiatives aimed at enhancing the
        quality of life for residents. The meeting, which was attended by community members, local business owners,
        and city officials, highlighted the council's ongoing commitment to sustainable growth and community
        engagement.

        One of the key topics on the agenda was the proposed expansion of public green spaces. Council members
        emphasized the importance of parks and recreational areas in promoting physical and mental well-being.
        Additionally, the council discussed plans to improve public transportation options, including the
        introduction of new bus routes and bike lanes.

        Residents expressed a range of perspectives during the public comment session. While many voiced strong
        support for the initiatives, others raised concerns about potential costs and the impact on local taxes.

        The council also underscored the importance of transparency and collaboration, encouraging residents to
        participate in upcoming town hall meetings.

        Overall, the meeting reflected a shared vision for a vibrant, inclusive, and forward-looking Riverton.
        Further updates are expected in the coming months as the proposals move forward.
    """),
    ),
    _doc(
        "classic-lasagna",
        "synthetic",
        "https://homecookhaven.net/classic-lasagna",
        "2023-11-20",
        _prose("""
        There's nothing quite like a warm, comforting plate of homemade lasagna. This classic Italian dish, with its
        layers of rich meat sauce, creamy ricotta, and gooey melted cheese, is sure to become a family favorite.

        Ingredients:
        - 12 lasagna noodles
        - 1 pound ground beef
        - 1 jar (24 ounces) marinara sauce
        - 15 ounces ricotta cheese
        - 2 cups shredded mozzarella cheese
        - 1/2 cup grated Parmesan cheese
        - 1 egg
        - Fresh basil for garnish

        Instructions:
        1. Preheat your oven to 375°F (190°C) and cook the noodles according to package directions.
        2. Brown the ground beef in a large skillet, then stir in the marinara sauce and simmer for 10 minutes.
        3. In a separate bowl, combine the ricotta, egg, and half of the Parmesan.
        4. Layer the noodles, meat sauce, ricotta mixture, and mozzarella in a baking dish. Repeat the layers.
        5. Top with the remaining cheese, cover with foil, and bake for 25 minutes. Uncover and bake 15 minutes more.

        Let the lasagna rest for 10 minutes before serving. Enjoy this delicious and satisfying meal with your loved
        ones!
    """),
    ),
    _doc(
        "ausgewogene-ernaehrung",
        "synthetic",
        "https://gesund-leben-ratgeber.de/ausgewogene-ernaehrung",
        "2024-01-15",
        _prose("""
        In der heutigen schnelllebigen Welt ist es wichtiger denn je, auf die eigene Gesundheit zu achten. Eine
        ausgewogene Ernährung spielt dabei eine entscheidende Rolle und bildet die Grundlage für ein aktives und
        erfülltes Leben.

        Zunächst einmal ist es wichtig zu betonen, dass eine gesunde Ernährung nicht mit Verzicht gleichzusetzen ist.
        Vielmehr geht es darum, bewusste Entscheidungen zu treffen und abwechslungsreiche Lebensmittel in den Alltag
        zu integrieren. Frisches Obst und Gemüse, Vollkornprodukte sowie hochwertige Eiweißquellen liefern wichtige
        Nährstoffe, die der Körper täglich benötigt.

        Darüber hinaus sollte man auf eine ausreichende Flüssigkeitszufuhr achten. Experten empfehlen, täglich etwa
        1,5 bis 2 Liter Wasser oder ungesüßten Tee zu trinken.

        Ein weiterer wichtiger Aspekt ist die Regelmäßigkeit der Mahlzeiten. Wer feste Essenszeiten einhält, kann
        Heißhungerattacken vorbeugen und das Wohlbefinden nachhaltig steigern.

        Zusammenfassend lässt sich sagen, dass bereits kleine Veränderungen im Alltag einen großen Unterschied machen
        können. Mit Geduld und Konsequenz gelingt der Weg zu einer gesünderen Lebensweise.
    """),
        lang="de",
    ),
    # Backdated on purpose: chat-assistant style under a pre-2022 date, as content farms do.
    _doc(
        "ai-education",
        "synthetic",
        "https://edtechvisionary.org/ai-in-education",
        "2020-06-01",
        _prose("""
        Artificial intelligence is revolutionizing the field of education, offering innovative solutions that have
        the potential to transform the way students learn and teachers teach. From personalized learning platforms to
        intelligent tutoring systems, AI-powered tools are reshaping the educational landscape.

        One of the most significant advantages of AI in education is personalization. Adaptive learning systems can
        analyze a student's strengths and weaknesses, tailoring content and pacing to meet individual needs. This
        ensures that every learner receives the support they require to succeed.

        Moreover, AI can help reduce the administrative burden on educators. Automated grading, attendance tracking,
        and scheduling tools free up valuable time, allowing teachers to focus on what matters most: engaging with
        their students.

        However, it is essential to address the ethical considerations that accompany this technological shift.
        Issues such as data privacy, algorithmic bias, and equitable access must be carefully navigated to ensure
        that AI benefits all students.

        In conclusion, while artificial intelligence is not a substitute for human educators, it can serve as a
        powerful ally in creating more effective, inclusive, and engaging learning experiences for future generations.
    """),
    ),
]


def _respin(key: str, url: str, date: str | None, original: str, swaps: dict[str, str]) -> dict:
    """A content-farm copy of a synthetic text: the same words with a few phrases swapped (none: exact copy)."""
    text = next(doc["text"] for doc in SYNTHETIC if doc["key"] == original)
    for old, new in swaps.items():
        if old not in text:
            raise ValueError(f"{old!r} is not in {original!r}")
        text = text.replace(old, new)
    return _doc(key, "synthetic", url, date, text)


CONTENT_FARM = [
    _respin(
        "time-management-copy", "https://dailyhustletips.net/manage-your-time", "2023-08-30", "time-management", {}
    ),
    _respin(
        "evs-respun",
        "https://greenmotorsdigest.com/evs-advantages-disadvantages",
        "2023-12-01",
        "electric-vehicles",
        {
            "rapidly reshaping": "quickly transforming",
            "upfront cost": "purchase price",
            "range anxiety": "range concerns",
            "Ultimately,": "In the end,",
        },
    ),
    _respin(
        "cybersecurity-respun",
        "https://smallbizshieldblog.com/online-security-small-business",
        None,
        "cybersecurity-smb",
        {
            "small businesses": "small companies",
            "a small business": "a small company",
            "comprehensive": "robust",
            "In conclusion,": "To sum up,",
        },
    ),
]

SHORT = [
    _doc(
        "soft-404",
        "short",
        "https://www.hensfordroversjfc.co.uk/news/old-fixtures-2019",
        None,
        _prose("""
        Page not found. The page you are looking for may have been moved or deleted. Return to the homepage.
    """),
    ),
    _doc(
        "fuse-thanks",
        "short",
        "https://www.civicgarage-forums.com/threads/interior-lights-dead.90122/",
        "2018-01-04",
        "thanks!! that fixed it, turns out the fuse was blown the whole time 🙃",
    ),
    _doc(
        "cookie-banner",
        "short",
        "https://www.millbrook-gazette.co.uk/cookie-consent",
        None,
        "We use cookies to improve your experience. Accept all | Manage preferences",
    ),
    _doc(
        "heute-geschlossen",
        "short",
        "https://www.backstube-lindner.de/aktuelles",
        "2021-12-27",
        "Wegen Krankheit haben wir heute geschlossen. Ab Donnerstag wieder normale Öffnungszeiten!",
        lang="de",
    ),
]

LISTS = [
    _doc(
        "bus-14-timetable",
        "list",
        "https://www.eastwick-chronicle.co.uk/travel/bus-14-timetable",
        "2011-04-01",
        _verbatim("""
        Route 14 Eastwick - St Luke's Hospital (Mon-Sat)
        Stop            | 1st   | 2nd   | 3rd   | 4th
        Eastwick Green  | 07:10 | 09:40 | 12:15 | 15:30
        Mill Lane       | 07:16 | 09:46 | 12:21 | 15:36
        Ferry Row       | 07:22 | 09:52 | 12:27 | 15:42
        Hatherley Bridge| 07:31 | 10:01 | 12:36 | 15:51
        St Luke's (main)| 07:38 | 10:08 | 12:43 | 15:58
        No service Sundays or bank holidays. Fares: single £2.10, return £3.60.
    """),
    ),
    _doc(
        "dht22-filter-snippet",
        "list",
        "https://notes.shedlab.dev/snippets/dht22-filter",
        "2020-07-03",
        _verbatim("""
        import sqlite3, time
        import adafruit_dht, board

        sensor = adafruit_dht.DHT22(board.D4)
        db = sqlite3.connect("/home/pi/shed.db")

        while True:
            try:
                t, h = sensor.temperature, sensor.humidity
            except RuntimeError:  # checksum / timing errors, just retry next minute
                t = h = None
            if t is not None and h is not None and 0 <= h <= 100:
                db.execute("insert into readings values (?, ?, ?)", (time.time(), t, h))
                db.commit()
            time.sleep(60)
    """),
    ),
    _doc(
        "export-changelog",
        "list",
        "https://blog.quietdeploy.dev/changelog",
        "2024-02-02",
        _verbatim("""
        ## v2.3.1 (2024-02-02)
        - fix: nightly export window built in Europe/London, queried in UTC (#412)
        - fix: retry report upload on HTTP 503
        - chore: bump requests to 2.31.0

        ## v2.3.0 (2024-01-12)
        - feat: CSV export gets a `currency` column
        - feat: --dry-run flag for the nightly job
        - docs: how to re-run a single day's export
    """),
    ),
]

# Written only to be cut in half: the bad line in forum.jsonl. It is not a document of the corpus.
TRUNCATED_POST = _prose("""
    anyone know if the 2010 Civic uses the same cabin filter as the 09? the one in mine is black and smells like a
    wet dog, autozone guy said the part number changed but he wasnt sure
""")

DOCS = HUMAN + SYNTHETIC + CONTENT_FARM + SHORT + LISTS

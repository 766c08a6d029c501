#!/usr/bin/env python3
"""Writes N recentchange events as gzip NDJSON: the recorded sample scaled up, deterministic by seed.

Copy k of the sample (every line of the recorded files, in order) gets a fresh meta.id (a UUID drawn
from the seeded generator) and its meta.dt and timestamp shifted by k days plus a seeded number of
seconds under an hour -- the same scheme as runners/spark's ScaledSample. Every other field is kept
as recorded, in its order and JSON layout; a line that is not an event object is copied unchanged
(it was a dead letter in the recording and stays one). Same seed and N, same bytes.

  bench/scale-sample.py --events 1000000 --seed 42 --out /tmp/rc-1m.ndjson.gz [--sample DIR]
  [--payload-file FILE]   also write copy 0 as plain NDJSON (for ProducerPerformance --payload-file)
"""
import argparse
import datetime
import glob
import gzip
import json
import os
import random
import sys
import uuid


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", required=True)
    ap.add_argument("--sample", default=os.environ.get("WIKIPULSE_SAMPLE_DIR", "/work/shared/data/recentchange"))
    ap.add_argument("--payload-file")
    a = ap.parse_args()

    lines = []
    for f in sorted(glob.glob(os.path.join(a.sample, "*.ndjson.gz"))):
        with gzip.open(f, "rt", encoding="utf-8") as src:
            lines.extend(line.rstrip("\n") for line in src if line.strip())
    if not lines:
        sys.exit("no *.ndjson.gz lines under " + a.sample)
    parsed = []
    for line in lines:
        try:
            e = json.loads(line)
        except ValueError:
            e = None
        parsed.append(e if isinstance(e, dict) and isinstance(e.get("meta"), dict) else None)

    if a.payload_file:
        with open(a.payload_file, "w", encoding="utf-8") as pf:
            pf.write("\n".join(lines) + "\n")

    written = size = 0
    rnd = random.Random(a.seed)
    with gzip.open(a.out, "wt", encoding="utf-8", compresslevel=6) as out:
        k = 0
        while written < a.events:
            day = k * 86400
            for line, e in zip(lines, parsed):
                if written >= a.events:
                    break
                if e is None:
                    text = line
                else:
                    shift = day + rnd.randrange(3600)
                    meta = e["meta"]
                    new_meta = dict(meta)
                    new_meta["id"] = str(uuid.UUID(int=rnd.getrandbits(128), version=4))
                    if isinstance(meta.get("dt"), str):
                        try:
                            t = datetime.datetime.fromisoformat(meta["dt"].replace("Z", "+00:00"))
                            t += datetime.timedelta(seconds=shift)
                            new_meta["dt"] = t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)
                        except ValueError:
                            pass
                    copy = dict(e)
                    copy["meta"] = new_meta
                    if isinstance(e.get("timestamp"), int):
                        copy["timestamp"] = e["timestamp"] + shift
                    text = json.dumps(copy, ensure_ascii=False)
                out.write(text)
                out.write("\n")
                written += 1
                size += len(text.encode("utf-8"))
            k += 1
    print("scale-sample: wrote %d events (%d sample lines x %d copies, seed %d) to %s; mean %.1f bytes/event"
          % (written, len(lines), k, a.seed, a.out, size / written))


if __name__ == "__main__":
    main()

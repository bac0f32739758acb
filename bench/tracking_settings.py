"""Bench-only settings for bench/tracking_lookup.py: the product's settings (DEBUG off, same middleware)
with a URLconf that adds the bare peer view, and the lookup rate limit taken from the environment so one
load generator on 127.0.0.1 is not refused. Never used by the product."""
import os

from samaneh.settings import *  # noqa: F403

ROOT_URLCONF = "bench.tracking_urls"
TRACKING_LOOKUPS_PER_MINUTE = int(os.environ.get("TRACKING_LOOKUPS_PER_MINUTE", "60"))

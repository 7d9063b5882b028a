#!/usr/bin/env python3
"""The node's iCalendar files, read by python3-icalendar (a calendar app's parser).

ical_samples (the node's writer) writes entries at civil times on both sides of the 2027
DST changes in Europe/Paris and America/Los_Angeles; each must read back at the same civil
time in its zone and at the instant Python's own tzdata gives it, with its TZID, its UID,
and STATUS:CANCELLED where it was cancelled.

Usage: ical_roundtrip_test.py ICAL_SAMPLES_BINARY
"""

import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import zoneinfo

import icalendar

SAMPLES_BINARY = sys.argv.pop(1)

# Before and after each change: Paris springs forward on 28 March and falls back on
# 31 October 2027, Los Angeles on 14 March and 7 November.
CIVIL_TIMES = [
    ("Europe/Paris", "2027-03-27T09:30"),
    ("Europe/Paris", "2027-03-29T09:30"),
    ("Europe/Paris", "2027-10-30T18:00"),
    ("Europe/Paris", "2027-11-01T18:00"),
    ("America/Los_Angeles", "2027-03-13T09:30"),
    ("America/Los_Angeles", "2027-03-15T09:30"),
    ("America/Los_Angeles", "2027-11-06T18:00"),
    ("America/Los_Angeles", "2027-11-08T18:00"),
]


class ICalendarRoundTripTest(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.mkdtemp(prefix="cantine-ical-")
        self.addCleanup(shutil.rmtree, self.folder)
        self.path = os.path.join(self.folder, "samples.ics")
        subprocess.run(
            [SAMPLES_BINARY, self.path] + [f"{zone}={time}" for zone, time in CIVIL_TIMES],
            check=True)
        with open(self.path, "rb") as f:
            self.raw = f.read()
        self.calendar = icalendar.Calendar.from_ical(self.raw)

    def test_lines_end_in_crlf(self):
        self.assertTrue(self.raw.endswith(b"\r\n"))
        self.assertNotIn(b"\n", self.raw.replace(b"\r\n", b""))

    def test_each_zone_has_its_vtimezone(self):
        zones = {str(z["TZID"]) for z in self.calendar.walk("VTIMEZONE")}
        self.assertEqual(zones, {"Europe/Paris", "America/Los_Angeles"})

    def test_times_round_trip_across_dst_changes(self):
        events = {str(e["UID"]): e for e in self.calendar.walk("VEVENT")}
        self.assertEqual(len(events), len(CIVIL_TIMES))
        for index, (zone, time) in enumerate(CIVIL_TIMES):
            with self.subTest(zone=zone, time=time):
                event = events[f"sample-{index}"]
                start = event["DTSTART"]
                self.assertEqual(start.params["TZID"], zone)
                local = datetime.datetime.fromisoformat(time)
                expected = local.replace(tzinfo=zoneinfo.ZoneInfo(zone))
                # The same civil time in its zone, and the same instant.
                self.assertEqual(start.dt.replace(tzinfo=None), local)
                self.assertEqual(start.dt.utcoffset(), expected.utcoffset())
                self.assertEqual(start.dt.astimezone(datetime.timezone.utc),
                                 expected.astimezone(datetime.timezone.utc))
                self.assertEqual(event["DTEND"].dt - start.dt, datetime.timedelta(hours=2))
                self.assertEqual(str(event["STATUS"]),
                                 "CANCELLED" if index == 1 else "CONFIRMED")

    def test_the_offsets_change_where_tzdata_says(self):
        # Summer and winter offsets as read back: the DST changes really are crossed.
        events = {str(e["UID"]): e for e in self.calendar.walk("VEVENT")}
        offsets = [events[f"sample-{i}"]["DTSTART"].dt.utcoffset() for i in range(8)]
        hours = [offset.total_seconds() / 3600 for offset in offsets]
        self.assertEqual(hours, [1, 2, 2, 1, -8, -7, -7, -8])


if __name__ == "__main__":
    unittest.main()

#!/usr/bin/env python3
"""A member's journey through the web app, in headless Chromium, on a local network.

deploy/local-network (what tools/quickstart runs) starts Paris, San Francisco and Milan with
TLS and their web ports, then onboards Lyon. A San Francisco member, registered by her desk
with a password, then:
  1. signs in at San Francisco's page;
  2. opens Paris and sees its desks' half-days in Paris time with her own time beside;
  3. books one (San Francisco's node forwards it to Paris);
  4. opens Milan's page, signs in through her home's page, and sees the booking in her
     itinerary there;
  5. finds La Cantine's barcamp on the events board, filtered by city and tag, and RSVPs
     to it (Milan's node forwards the RSVP to Paris, the host); her calendar feed, from her
     home, holds the desk and the RSVP in Paris time (read with python3-icalendar), and the
     Paris programme reads at Milan's node;
  6. sees a clear message naming Paris when Paris's node does not answer (frozen).
With CANTINE_SCREENSHOTS set to a folder, the main pages are saved there as PNG files
(docs/screenshots holds the latest).

Usage: web_journey_test.py SOURCE_DIR BUILD_DIR
"""

import datetime
import json
import os
import random
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import icalendar
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

SOURCE_DIR, BUILD_DIR = sys.argv[1], sys.argv[2]
SITE_NUMBER = {"paris": 1, "san-francisco": 2, "milan": 3, "lyon": 4}
PASSWORD = "golden-gate-1937"


def port_free(port):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def free_port_base():
    """A CANTINE_PORT_BASE whose public, federation and web ports are all free.

    From 26000 up, apart from local_network_test.cc's bases (up to 25500), whose network
    stops and starts again on the same ports while this test may be choosing its own.
    """
    for _ in range(50):
        base = random.randint(260, 319) * 100
        offsets = [n + hundreds for n in range(1, 5) for hundreds in (0, 100, 300)]
        if all(port_free(base + offset) for offset in offsets):
            return base
    raise RuntimeError("no free ports for the network")


class Network:
    """deploy/local-network in its own process group, its state in a temporary folder."""

    def __init__(self):
        self.state = tempfile.mkdtemp(prefix="cantine-web-journey-")
        self.base = free_port_base()
        self.log_path = os.path.join(self.state, "launcher.log")
        env = dict(os.environ, CANTINE_PORT_BASE=str(self.base), CANTINE_BUILD_DIR=BUILD_DIR)
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            ["/bin/bash", os.path.join(SOURCE_DIR, "deploy/local-network"),
             os.path.join(self.state, "state")],
            cwd=SOURCE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)
        self.ca = os.path.join(self.state, "state/certs/ca.pem")

    def wait_running(self, deadline_s=240):
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            with open(self.log_path) as log:
                if "Cantine network running" in log.read():
                    return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        with open(self.log_path) as log:
            raise RuntimeError("the network did not start:\n" + log.read()[-4000:])

    def web(self, site):
        return f"https://127.0.0.1:{self.base + 300 + SITE_NUMBER[site]}/"

    def credential(self, site):
        with open(os.path.join(self.state, "state/credentials", site)) as f:
            return f.readline().strip()

    def call(self, site, method, path, body=None, bearer=None, timeout=40):
        """The JSON API of `site`'s node: (HTTP status, parsed body)."""
        request = urllib.request.Request(
            self.web(site) + path.lstrip("/"), method=method,
            data=None if body is None else json.dumps(body).encode())
        if body is not None:
            request.add_header("Content-Type", "application/json")
        if bearer:
            request.add_header("Authorization", "Bearer " + bearer)
        context = ssl.create_default_context(cafile=self.ca)
        try:
            with urllib.request.urlopen(request, context=context, timeout=timeout) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def fetch(self, url):
        """The bytes at `url`, a node's web port: (HTTP status, Content-Type, body)."""
        context = ssl.create_default_context(cafile=self.ca)
        try:
            with urllib.request.urlopen(url, context=context, timeout=40) as response:
                return response.status, response.headers["Content-Type"], response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers["Content-Type"], error.read()

    def log_tail(self, site, lines):
        """The last `lines` lines of `site`'s node log."""
        try:
            with open(os.path.join(self.state, "state", site + ".log")) as log:
                return log.read().splitlines()[-lines:]
        except OSError as error:
            return [repr(error)]

    def node_pid(self, site):
        """The pid of `site`'s cantined (its data folder is STATE/state/SITE)."""
        data_dir = f'"{self.state}/state/{site}"'
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    args = f.read().decode(errors="replace").split("\0")
            except OSError:
                continue
            if args and args[0].endswith("cantined") and any(data_dir in a for a in args):
                return int(pid)
        raise RuntimeError(f"no cantined for {site}")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()
        shutil.rmtree(self.state, ignore_errors=True)


class WebJourneyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.network = Network()
        try:
            cls.network.wait_running()
            options = webdriver.ChromeOptions()
            options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
            for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                             "--disable-dev-shm-usage", "--window-size=1280,1000",
                             "--lang=en-US"):
                options.add_argument(argument)
            # The page's console, for a failure's message (diagnosis).
            options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
            # The nodes' certificates come from the network's own CA.
            options.accept_insecure_certs = True
            cls.browser = webdriver.Chrome(
                service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"),
                options=options)
        except BaseException:
            cls.network.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.browser.quit()
        cls.network.stop()

    def wait_for(self, by, value, timeout=40):
        return self.wait_until(expected_conditions.presence_of_element_located((by, value)),
                               timeout, value)

    def wait_until(self, condition, timeout=40, what=""):
        try:
            return WebDriverWait(self.browser, timeout).until(condition)
        except TimeoutException:
            self.screenshot("failure")
            shown = self.browser.find_element(By.ID, "message").text
            self.fail(f"no {what} within {timeout} s at {self.browser.current_url}; "
                      f"the page says: {shown!r}\n{self.diagnosis()}")

    def diagnosis(self):
        """What the page's console, each node's directory and log say, for a failure."""
        # Whatever the diagnosis meets, the failure it explains stays the one reported.
        lines = []
        try:
            for entry in self.browser.get_log("browser")[-10:]:
                lines.append(f"console: {entry['level']} {entry['message']}")
        except Exception as error:
            lines.append(f"console: {error!r}")
        for site in SITE_NUMBER:
            try:
                status, body = self.network.call(site, "GET", "/v1/sites", timeout=5)
                listed = [listed.get("siteId") for listed in body.get("sites", [])]
                lines.append(f"{site}'s /v1/sites: {status}, {listed}")
            except Exception as error:
                lines.append(f"{site}'s /v1/sites: {error!r}")
            lines.append(f"{site}.log, its last lines:")
            lines.extend("  " + line for line in self.network.log_tail(site, 8))
        return "\n".join(lines)

    def screenshot(self, name):
        folder = os.environ.get("CANTINE_SCREENSHOTS")
        if folder:
            os.makedirs(folder, exist_ok=True)
            self.browser.save_screenshot(os.path.join(folder, name + ".png"))

    def message(self):
        return self.browser.find_element(By.ID, "message")

    def register_member(self):
        """Ada, a San Francisco member, registered by her desk, with a password."""
        desk = self.network.credential("san-francisco")
        status, member = self.network.call(
            "san-francisco", "POST", "/v1/members",
            {"displayName": "Ada Lovelace", "email": "ada@example.org", "city": "San Francisco"},
            desk)
        self.assertEqual(status, 200, member)
        status, answer = self.network.call(
            "san-francisco", "POST", f"/v1/members/{member['memberId']}:setPassword",
            {"password": PASSWORD}, desk)
        self.assertEqual(status, 200, answer)
        return member["memberId"]

    def sign_in_at_home(self):
        browser = self.browser
        browser.get(self.network.web("san-francisco") + "#/signin")
        self.wait_until(lambda b: len(Select(b.find_element(By.ID, "signin-home")).options) >= 3,
                        what="the sites listed in the sign-in form")
        Select(browser.find_element(By.ID, "signin-home")).select_by_value("san-francisco")
        browser.find_element(By.ID, "signin-email").send_keys("ada@example.org")
        browser.find_element(By.ID, "signin-password").send_keys(PASSWORD)
        self.screenshot("sign-in")
        browser.find_element(By.ID, "signin-submit").click()
        self.wait_until(lambda b: "Ada" in b.find_element(By.ID, "member-name").text,
                        what="the member's name in the top bar")

    def book_a_paris_desk(self):
        browser = self.browser
        browser.get(self.network.web("san-francisco") + "#/venue/paris")
        self.wait_for(By.ID, "space-coworking")
        slot = self.wait_until(
            lambda b: next((e for e in b.find_elements(By.CSS_SELECTOR, "[id^='slot-']")
                            if e.is_enabled()), False),
            what="a free half-day at Paris")
        # Paris time, with the member's own beside it.
        self.assertIn("Paris", browser.find_element(By.ID, "availability").text)
        slot.click()
        self.assertIn("Paris", browser.find_element(By.ID, "selected-slot").text)
        self.screenshot("venue-availability")
        browser.find_element(By.ID, "book-submit").click()
        self.wait_until(lambda b: b.find_element(By.ID, "message").get_attribute("data-kind")
                        == "info" and "Booked" in b.find_element(By.ID, "message").text,
                        what="the booking confirmed")

    def check_calendars(self, member_id, event_id):
        """Her calendar feed, from her home, as a calendar app reads it (python3-icalendar):
        the Paris desk and the barcamp RSVP in Paris time; the Paris programme at Milan."""
        status, signed_in = self.network.call(
            "san-francisco", "POST", "/v1/signIn",
            {"email": "ada@example.org", "password": PASSWORD})
        self.assertEqual(status, 200, signed_in)
        token = signed_in["token"]
        status, feed = self.network.call(
            "san-francisco", "POST", f"/v1/members/{member_id}/calendarFeed", {}, token)
        self.assertEqual(status, 200, feed)
        self.assertTrue(feed["url"].startswith(self.network.web("san-francisco")), feed)
        # Her profile page at home shows the same address.
        self.browser.get(self.network.web("san-francisco") + "#/profile")
        self.wait_for(By.ID, "calendar-feed-show").click()
        self.wait_until(lambda b: b.find_element(By.ID, "calendar-feed-url").get_attribute("value")
                        == feed["url"], what="her calendar address on her profile page")
        self.screenshot("calendar-feed")
        # She lets hosts list her among those going, and saves her profile.
        box = self.browser.find_element(By.ID, "profile-visible-PROFILE_FIELD_ATTENDANCE")
        if not box.is_selected():
            box.click()
        self.browser.find_element(By.ID, "profile-save").click()
        self.wait_until(lambda b: b.find_element(By.ID, "message").get_attribute("data-kind")
                        == "info", what="her profile saved")
        status, content_type, body = self.network.fetch(feed["url"])
        self.assertEqual(status, 200, body[:400])
        self.assertTrue(content_type.startswith("text/calendar"), content_type)
        entries = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}

        status, listed = self.network.call(
            "san-francisco", "GET", f"/v1/bookings?memberId={member_id}", bearer=token)
        self.assertEqual(status, 200, listed)
        booking = next(b for b in listed["bookings"] if b["siteId"] == "paris")
        desk = entries[booking["bookingId"] + "@cantine.network"]
        self.assertEqual(desk["DTSTART"].params["TZID"], "Europe/Paris")
        # The same instant as the API's, and the same civil time at the venue.
        api_start = datetime.datetime.fromisoformat(booking["startTime"].replace("Z", "+00:00"))
        self.assertEqual(desk["DTSTART"].dt, api_start)
        self.assertEqual(desk["DTSTART"].dt.hour, booking["start"]["hours"])
        rsvp = entries[f"{event_id}.rsvp.{member_id}@cantine.network"]
        self.assertIn("Barcamp de La Cantine", str(rsvp["SUMMARY"]))
        self.assertEqual(str(rsvp["STATUS"]), "CONFIRMED")

        status, content_type, body = self.network.fetch(
            self.network.web("milan") + "v1/sites/paris/calendar.ics")
        self.assertEqual(status, 200, body[:400])
        programme = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
        barcamp = programme[event_id + "@cantine.network"]
        self.assertEqual(barcamp["DTSTART"].params["TZID"], "Europe/Paris")
        # The events board links the same file.
        self.browser.get(self.network.web("milan") + "#/events?tag=barcamp")
        link = self.wait_for(By.ID, "event-calendar-" + event_id)
        self.assertEqual(link.get_attribute("href"),
                         self.network.web("milan") + "v1/sites/paris/calendar.ics")

        # Her consent reaches Paris, the host, which then lists her among those going.
        deadline = time.monotonic() + 40
        while True:
            status, answer = self.network.call("paris", "GET", f"/v1/events/{event_id}/attendees")
            self.assertEqual(status, 200, answer)
            if any(a["memberId"] == member_id for a in answer.get("attendees", [])):
                break
            self.assertLess(time.monotonic(), deadline, "Paris never listed her as going")
            time.sleep(0.2)
        self.wait_for(By.ID, "attendees-button-" + event_id).click()
        self.wait_until(lambda b: "Ada Lovelace" in b.find_element(By.ID, "attendees-" + event_id).text,
                        what="Ada among those going to the barcamp, at Milan's page")

        # Revoked, the address reads nothing.
        status, answer = self.network.call(
            "san-francisco", "POST", f"/v1/members/{member_id}/calendarFeed:revoke", {}, token)
        self.assertEqual(status, 200, answer)
        status, _, _ = self.network.fetch(feed["url"])
        self.assertEqual(status, 404)

    def test_journey(self):
        member_id = self.register_member()
        self.sign_in_at_home()
        self.book_a_paris_desk()

        # The booking is Paris's, made through San Francisco: the API agrees.
        status, home = self.network.call("san-francisco", "GET", "/v1/site")
        self.assertEqual(status, 200)

        # At Milan's page: signed in through her home's page, her itinerary holds the booking.
        browser = self.browser
        browser.get(self.network.web("milan") + "#/signin")
        self.wait_until(lambda b: len(Select(b.find_element(By.ID, "signin-home")).options) >= 3,
                        what="the sites listed in the sign-in form at Milan")
        Select(browser.find_element(By.ID, "signin-home")).select_by_value("san-francisco")
        browser.find_element(By.ID, "signin-submit").click()
        # Her home's page, already signed in, hands a booking token back to Milan's.
        self.wait_for(By.ID, "signin-continue").click()
        self.wait_until(lambda b: b.current_url.startswith(self.network.web("milan")),
                        what="back at Milan's page")
        row = self.wait_until(
            lambda b: next(iter(b.find_elements(By.CSS_SELECTOR, "[id^='booking-paris-']")), False),
            what="the Paris booking in the itinerary at Milan")
        self.assertEqual(row.get_attribute("data-state"), "BOOKING_STATE_CONFIRMED")
        self.assertNotIn("session=", browser.current_url)
        self.screenshot("itinerary-at-milan")

        # The events board: La Cantine's barcamp, by city and tag.
        browser.get(self.network.web("milan") + "#/events")
        self.wait_for(By.ID, "events-filter")
        Select(browser.find_element(By.ID, "events-city")).select_by_value("Paris")
        tag = browser.find_element(By.ID, "events-tag")
        tag.clear()
        tag.send_keys("barcamp")
        browser.find_element(By.ID, "events-filter-submit").click()
        self.wait_until(lambda b: "Barcamp de La Cantine" in b.find_element(By.ID, "events-list").text,
                        what="the barcamp on the board")
        self.assertNotIn("Apéro du futur", browser.find_element(By.ID, "events-list").text)

        # She RSVPs to it from Milan's page: Milan forwards it to Paris, the host.
        card = browser.find_element(
            By.XPATH, "//li[starts-with(@id, 'event-')][.//h2[contains(., 'Barcamp de La Cantine')]]")
        event_id = card.get_attribute("id")[len("event-"):]
        self.wait_for(By.ID, "rsvp-button-" + event_id).click()
        self.wait_until(
            lambda b: b.find_element(By.ID, "rsvp-state-" + event_id).get_attribute("data-state")
            == "RSVP_STATE_GOING", what="her RSVP to the barcamp")
        status, events = self.network.call("paris", "GET", "/v1/events?tag=barcamp")
        self.assertEqual(status, 200)
        barcamp = next(e for e in events["events"] if e["eventId"] == event_id)
        self.assertEqual(barcamp.get("goingCount"), 1)
        self.screenshot("events")
        self.check_calendars(member_id, event_id)

        # The co-workers' directory at Milan's page finds her by name, and not by the city
        # she keeps at home.
        browser.get(self.network.web("milan") + "#/members")
        self.wait_for(By.ID, "members-filter")
        browser.find_element(By.ID, "members-name").send_keys("lovelace")
        browser.find_element(By.ID, "members-filter-submit").click()
        card = self.wait_for(By.ID, "member-" + member_id)
        self.assertIn("Ada Lovelace", card.text)
        self.assertNotIn("ada@example.org", card.text)
        self.screenshot("co-workers")
        name = browser.find_element(By.ID, "members-name")
        name.clear()
        browser.find_element(By.ID, "members-city").send_keys("San Francisco")
        browser.find_element(By.ID, "members-filter-submit").click()
        # The new search has answered once the old list is gone and either the new one or
        # "none" shows.
        self.wait_until(lambda b: not b.find_elements(By.ID, "member-" + member_id)
                        and (b.find_element(By.ID, "members-none").is_displayed()
                             or b.find_elements(By.CSS_SELECTOR, "[id^='member-']")),
                        what="the search by the city Ada keeps at home, without her")

        # Paris's node stops answering: the page says so, naming Paris.
        paris = self.network.node_pid("paris")
        os.kill(paris, signal.SIGSTOP)
        try:
            browser.get(self.network.web("san-francisco") + "#/venue/paris")
            self.wait_until(lambda b: b.find_element(By.ID, "message").get_attribute("data-kind")
                            == "error" and "cannot be reached" in b.find_element(By.ID, "message").text,
                            timeout=60, what="a message that Paris cannot be reached")
            self.assertIn("La Cantine", self.message().text)
            self.screenshot("venue-unreachable")
        finally:
            os.kill(paris, signal.SIGCONT)
        self.assertTrue(member_id.startswith("san-francisco-"))


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)

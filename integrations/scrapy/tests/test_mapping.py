"""Unit tests of the item -> article mapping (no broker needed): python -m unittest discover tests"""

import datetime as dt
import json
import unittest

from article_enricher_scrapy.mapping import (
    MappingError,
    encode,
    field_map,
    message_id,
    subject_for,
    to_article,
)


class ToArticle(unittest.TestCase):
    def test_usual_scrapy_field_names_map_to_the_spec_input(self):
        item = {
            "link": "https://news.example/a",
            "headline": "  Bridge   reopens ",
            "body": ["First paragraph.", "  ", "Second paragraph."],
            "date": dt.datetime(2026, 11, 20, 8, 30),
            "author": ["Ana Ruiz", ""],
            "section": "world",
        }
        a = to_article(item)
        self.assertEqual(a["url"], "https://news.example/a")
        self.assertEqual(a["title"], "Bridge reopens")
        self.assertEqual(a["text"], "First paragraph.\n\nSecond paragraph.")
        self.assertEqual(a["published_at"], "2026-11-20T08:30:00+00:00")
        self.assertEqual(a["authors"], ["Ana Ruiz"])
        # Fields of no SPEC meaning travel on (the worker keeps them in `extra`).
        self.assertEqual(a["section"], "world")
        self.assertNotIn("link", a)
        self.assertNotIn("body", a)

    def test_raw_html_items_and_epoch_dates(self):
        a = to_article({"url": "u", "html": b"<html><p>x</p></html>", "published": 1700000000.5})
        self.assertEqual(a["html"], "<html><p>x</p></html>")
        self.assertEqual(a["published_at"], 1700000000)
        self.assertNotIn("text", a)

    def test_the_first_usual_name_with_content_wins(self):
        a = to_article({"text": "", "body": "From body.", "content": "From content."})
        self.assertEqual(a["text"], "From body.")

    def test_an_item_without_text_or_html_is_refused_with_a_reason(self):
        with self.assertRaises(MappingError) as e:
            to_article({"url": "https://news.example/a", "title": "Only a title"})
        self.assertIn("no text and no html", str(e.exception))

    def test_project_field_names_override_the_usual_ones(self):
        fields = field_map({"text": "story_text", "authors": ["writers"]})
        a = to_article({"story_text": "The story.", "writers": "Jane Doe", "body": "nav"}, fields)
        self.assertEqual(a["text"], "The story.")
        self.assertEqual(a["authors"], ["Jane Doe"])
        self.assertEqual(a["body"], "nav")  # no longer a text field: passed on as it is
        with self.assertRaises(ValueError):
            field_map({"bodytext": "x"})

    def test_unusual_values_become_json(self):
        a = to_article({"text": "t", "when": dt.date(2026, 1, 2), "tags": ("a", "b"), "obj": object})
        json.loads(encode(a))
        self.assertEqual(a["when"], "2026-01-02")
        self.assertEqual(a["tags"], ["a", "b"])
        self.assertTrue(a["obj"].startswith("<class"))
        # A lone surrogate still gives valid UTF-8.
        encode({"text": "bad \udc80 byte"}).decode("utf-8")


class MessageIds(unittest.TestCase):
    def test_the_items_own_id_wins(self):
        self.assertEqual(message_id({"id": "a-1", "url": "u", "text": "t"}), "a-1")

    def test_same_page_same_content_same_id_and_changed_content_a_new_one(self):
        a = message_id({"url": "https://n.example/a", "text": "one"})
        self.assertEqual(a, message_id({"url": "https://n.example/a", "text": "one"}))
        self.assertNotEqual(a, message_id({"url": "https://n.example/a", "text": "two"}))
        self.assertNotEqual(a, message_id({"url": "https://n.example/b", "text": "one"}))


class Subjects(unittest.TestCase):
    def test_the_spider_name_is_one_subject_token(self):
        self.assertEqual(subject_for("articles.raw.{spider}", "news"), "articles.raw.news")
        self.assertEqual(subject_for("articles.raw.{spider}", "my.news spider>"), "articles.raw.my_news_spider")
        self.assertEqual(subject_for("scrapes.{spider}.raw", "*"), "scrapes.spider.raw")


if __name__ == "__main__":
    unittest.main()

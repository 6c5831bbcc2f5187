"""A Scrapy item as article-enricher's input message (the SPEC input object). Pure: no I/O.

Scrapers name their fields in many ways (``body``, ``content``, ``date``, ``author`` ...); each SPEC
field is taken from the first of its usual names that holds something, and every other field of
the item is passed on as it is (the worker keeps it verbatim in the record's ``extra``).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

# SPEC input field -> the item fields tried for it, in order.
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "guid", "article_id"),
    "url": ("url", "link", "canonical_url"),
    "source": ("source", "site", "publisher"),
    "title": ("title", "headline"),
    "text": ("text", "body", "content", "article_body", "articleBody"),
    "html": ("html", "raw_html", "body_html", "page_html"),
    "published_at": ("published_at", "date", "published", "pub_date", "datePublished", "datetime"),
    "lang": ("lang", "language"),
    # Not a SPEC field: the worker reads `authors` as the authors the scraper found (they beat
    # bylines and page metadata) and keeps it in `extra`.
    "authors": ("authors", "author", "byline"),
}


class MappingError(ValueError):
    """The item cannot become an article (it has no text and no HTML)."""


def field_map(overrides: Mapping[str, Any] | None = None) -> dict[str, tuple[str, ...]]:
    """The default field names with a project's ``ENRICHER_FIELDS`` setting on top.

    An override names the item field (or a list of them) to read for a SPEC field.
    """
    fields = dict(DEFAULT_FIELDS)
    for spec_field, names in (overrides or {}).items():
        if spec_field not in fields:
            raise ValueError(f"ENRICHER_FIELDS: unknown field {spec_field!r}; known: {sorted(fields)}")
        fields[spec_field] = (names,) if isinstance(names, str) else tuple(names)
    return fields


def _text(value: Any) -> str | None:
    """A string, or paragraphs (a list of strings, as ``.getall()`` gives) joined by blank lines."""
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, Iterable) and not isinstance(value, Mapping):
        parts = [p.strip() for p in (_text(v) for v in value) if p]
        return "\n\n".join(p for p in parts if p) or None
    return str(value).strip() or None


def _first_line(value: Any) -> str | None:
    """Single-line fields (title, url, id ...): the first non-empty string of a list."""
    if isinstance(value, (list, tuple)):
        return next((s for s in (_first_line(v) for v in value) if s), None)
    text = _text(value)
    return " ".join(text.split()) if text else None


def _date(value: Any) -> str | int | None:
    """Dates as the worker reads them: RFC 3339 for date objects, epoch seconds for numbers."""
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.timezone.utc)
        return value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    return _first_line(value)


def _authors(value: Any) -> list[str] | None:
    if isinstance(value, (list, tuple)):
        names = [_first_line(v) for v in value]
    else:
        names = [_first_line(value)]
    names = [n for n in names if n]
    return names or None


_CONVERT = {
    "id": _first_line,
    "url": _first_line,
    "source": _first_line,
    "title": _first_line,
    "text": _text,
    "html": _text,
    "published_at": _date,
    "lang": _first_line,
    "authors": _authors,
}


def _plain(value: Any) -> Any:
    """A value JSON can carry: dates as ISO strings, anything else unknown as its ``str``."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return str(value)


def to_article(item: Mapping[str, Any], fields: Mapping[str, tuple[str, ...]] = DEFAULT_FIELDS) -> dict[str, Any]:
    """The SPEC input object for ``item`` (any mapping; use ``ItemAdapter(item)`` for Items).

    Raises :class:`MappingError` when the item has neither text nor HTML: the worker would only
    dead-letter it as ``missing_content``.
    """
    article: dict[str, Any] = {}
    used: set[str] = set()
    for spec_field, names in fields.items():
        for name in names:
            if name in item:
                used.add(name)
                value = _CONVERT[spec_field](item[name])
                if value is not None and spec_field not in article:
                    article[spec_field] = value
    if "text" not in article and "html" not in article:
        looked = ", ".join(fields["text"] + fields["html"])
        raise MappingError(f"the item has no text and no html (looked for: {looked})")
    for name, value in item.items():
        if name not in used and name not in article:
            article[name] = _plain(value)
    return article


def message_id(article: Mapping[str, Any]) -> str:
    """The ``Nats-Msg-Id`` of an article: its own id, else a digest of its URL and content.

    A retried publish, or a re-crawl that finds the page unchanged, then falls inside the input
    stream's duplicate window and is stored once; a page whose content changed goes through.
    """
    if article.get("id"):
        return str(article["id"])
    digest = hashlib.sha256()
    for part in (article.get("url"), article.get("text"), article.get("html")):
        digest.update((part or "").encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return "scrapy-" + digest.hexdigest()[:32]


_NOT_A_TOKEN = re.compile(r"[^A-Za-z0-9_-]+")


def subject_for(template: str, spider_name: str) -> str:
    """The subject to publish on: ``template`` with ``{spider}`` as one NATS subject token."""
    token = _NOT_A_TOKEN.sub("_", spider_name).strip("_") or "spider"
    return template.replace("{spider}", token)


def encode(article: Mapping[str, Any]) -> bytes:
    # A lone surrogate (from a bad decode upstream) becomes '?': the worker takes only UTF-8.
    return json.dumps(article, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "replace")

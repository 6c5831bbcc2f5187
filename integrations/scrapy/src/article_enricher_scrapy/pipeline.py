"""The Scrapy item pipeline: each item is published to JetStream and its publish ack awaited.

Enable it in a project's settings::

    ITEM_PIPELINES = {"article_enricher_scrapy.EnricherPipeline": 800}
    NATS_URL = "nats://nats:4222"

An item passes on (to later pipelines, feeds, stats) only once the server has stored it: the
publish ack is the receipt that the worker will process it. Many items' acks are awaited at once,
at most ``ENRICHER_MAX_PENDING``, so a slow server slows the crawl instead of filling memory.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import nats
import nats.errors
import nats.js.errors
from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.reactor import is_asyncio_reactor_installed

from .mapping import MappingError, encode, field_map, message_id, subject_for, to_article

logger = logging.getLogger(__name__)

# Failures a later attempt may get over: the server restarting, a cluster electing a leader,
# the connection being re-established.
_TRANSIENT = (
    nats.errors.TimeoutError,
    nats.errors.NoRespondersError,
    nats.errors.ConnectionReconnectingError,
    nats.errors.StaleConnectionError,
    nats.js.errors.NoStreamResponseError,
    nats.js.errors.ServiceUnavailableError,
    nats.js.errors.ServerError,
)


class PublishError(RuntimeError):
    """The item could not be stored in JetStream after every attempt."""


class EnricherPipeline:
    """Publishes items to ``articles.raw.<spider>`` (``ENRICHER_SUBJECT``) on JetStream.

    Settings: ``NATS_URL`` (comma-separated servers; ``nats://user:pass@host:4222`` or
    ``nats://token@host:4222`` carry credentials), ``NATS_CREDENTIALS`` (a ``.creds`` file),
    ``ENRICHER_SUBJECT`` (``{spider}`` is the spider's name), ``ENRICHER_MAX_PENDING``,
    ``ENRICHER_PUBLISH_TIMEOUT`` (seconds per attempt), ``ENRICHER_PUBLISH_RETRIES``,
    ``ENRICHER_FIELDS`` (which item field holds each SPEC field, over the usual names).
    """

    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.servers = [s.strip() for s in settings.get("NATS_URL", "nats://127.0.0.1:4222").split(",") if s.strip()]
        self.credentials = settings.get("NATS_CREDENTIALS") or None
        self.subject_template = settings.get("ENRICHER_SUBJECT", "articles.raw.{spider}")
        self.max_pending = settings.getint("ENRICHER_MAX_PENDING", 256)
        self.timeout = settings.getfloat("ENRICHER_PUBLISH_TIMEOUT", 10.0)
        self.retries = settings.getint("ENRICHER_PUBLISH_RETRIES", 5)
        self.fields = field_map(settings.getdict("ENRICHER_FIELDS"))
        if self.max_pending < 1:
            raise NotConfigured("ENRICHER_MAX_PENDING must be at least 1")
        self.nc: Any = None
        self.js: Any = None
        self.subject = ""
        self.pending: asyncio.Semaphore | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> "EnricherPipeline":
        if not is_asyncio_reactor_installed():
            raise NotConfigured(
                "article_enricher_scrapy needs the asyncio reactor: set "
                'TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"'
            )
        return cls(crawler)

    async def open_spider(self, spider: Any = None) -> None:
        spider = spider or self.crawler.spider
        self.subject = subject_for(self.subject_template, spider.name)
        self.pending = asyncio.Semaphore(self.max_pending)
        self.nc = await nats.connect(
            servers=self.servers,
            name=f"scrapy-{spider.name}",
            user_credentials=self.credentials,
            # Keep trying through a server restart: publishes wait (bounded) instead of failing.
            max_reconnect_attempts=-1,
            reconnect_time_wait=0.5,
            connect_timeout=self.timeout,
        )
        self.js = self.nc.jetstream(timeout=self.timeout)
        logger.info("publishing items to %s on %s", self.subject, ",".join(self.servers))

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        try:
            article = to_article(ItemAdapter(item).asdict(), self.fields)
        except MappingError as e:
            self.stats.inc_value("enricher/dropped_no_content")
            raise DropItem(str(e)) from e
        payload = encode(article)
        msg_id = message_id(article)
        assert self.pending is not None, "open_spider was not called"
        async with self.pending:
            ack = await self._publish(payload, msg_id)
        self.stats.inc_value("enricher/duplicate" if ack.duplicate else "enricher/published")
        return item

    async def _publish(self, payload: bytes, msg_id: str) -> Any:
        delay = 0.2
        for attempt in range(self.retries + 1):
            try:
                return await self.js.publish(self.subject, payload, headers={"Nats-Msg-Id": msg_id})
            except _TRANSIENT as e:
                if attempt == self.retries:
                    self.stats.inc_value("enricher/failed")
                    raise PublishError(f"{msg_id}: not stored after {attempt + 1} attempts: {e!r}") from e
                logger.warning("publish of %s failed (%r); retrying in %.1fs", msg_id, e, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
        raise AssertionError("unreachable")

    async def close_spider(self, spider: Any = None) -> None:
        # Scrapy awaits every process_item before closing, so every publish has its ack by now;
        # drain flushes the connection and closes it.
        if self.nc is not None and not self.nc.is_closed:
            await self.nc.drain()

"""Publish Scrapy items to NATS JetStream as article-enricher input messages."""

from .mapping import MappingError, message_id, to_article
from .pipeline import EnricherPipeline

__all__ = ["EnricherPipeline", "MappingError", "message_id", "to_article"]

"""A small news spider, the shape most Scrapy news projects have: follow the story links of a
front page, and yield one item per story.

Stories are yielded two ways, both of which the worker takes: as extracted fields (``headline``,
``body`` paragraphs, ``date``, ``author``), or, for pages marked ``data-raw``, as the raw
``html`` for the worker to extract.

    scrapy runspider example/news_spider.py -a start_url=https://news.example/ -s NATS_URL=nats://127.0.0.1:4222
"""

import scrapy


class NewsSpider(scrapy.Spider):
    name = "news"
    custom_settings = {
        "ITEM_PIPELINES": {"article_enricher_scrapy.EnricherPipeline": 800},
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
    }

    def __init__(self, start_url: str = "http://127.0.0.1:8000/", **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [start_url]

    def parse(self, response):
        for href in response.css("a.story::attr(href)").getall():
            yield response.follow(href, self.parse_story)

    def parse_story(self, response):
        if response.css("body[data-raw]"):
            yield {"url": response.url, "html": response.text, "section": "local"}
            return
        yield {
            "url": response.url,
            "headline": response.css("article h1::text").get(),
            "body": ["".join(p.css("::text").getall()) for p in response.css("article > p:not(.byline)")],
            "date": response.css("time::attr(datetime)").get(),
            "author": response.css(".byline a::text").getall(),
            "section": "world",
        }

"""Render the uncached tag page's template in Jinja2 and in Django's template language.

    .venv/bin/python bench/template_languages.py [--count 2000]

The public pages use Jinja2; the project keeps it only while Django's language would
make the uncached tag page more than 25 % slower. The script writes the tag page's
templates (base, filter, list) in Django's language, translating the few Jinja2 forms
they use (DJANGO_SPELLING), generates an archive, has the site's own view build the
most popular tag's page (uncached, with production settings), then renders that page's
context with each template, and prints the medians and how much slower the whole page
would be.
"""

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

from run import PROJECT, bench_env, manage

TAG_PAGE = ["base.html", "briefings/tag_filter.html", "briefings/_briefing_list.html"]
# Jinja2 forms in the tag page and their Django spelling. Django cannot render a block
# twice (the title in <title> and in og:title), so the title comes from the context.
DJANGO_SPELLING = [
    (r"\{\{ url\('([^']+)'\) \}\}", r"{% url '\1' %}"),
    (r"\{\{ static\('([^']+)'\) \}\}", r"{% static '\1' %}"),
    (r"^<!doctype html>", "{% load static %}<!doctype html>"),
    (r"\{% block title %\}.*?\{% endblock title %\}", "{{ page_title }}"),
    (r"\{% block description %\}.*?\{% endblock description %\}", "{{ page_description }}"),
    (r"\{% block canonical %\}(.*?)\{% endblock canonical %\}", r"\1"),
    (r"\{\{ self\.title\(\) \}\}", "{{ page_title }}"),
    (r"\{\{ self\.description\(\) \}\}", "{{ page_description }}"),
    (r"\{\{ self\.canonical\(\) \}\}", "{{ request.path }}"),
    (r'selected\|map\(attribute="tag\.name"\)\|join\(" \+ "\)', "feed_names"),
    (r"loop\.last", "forloop.last"),
    (r"selected\[0\]", "selected.0"),
]


def write_in_django_language(folder):
    """The tag page's templates, translated, in `folder`."""
    for name in TAG_PAGE:
        source = (PROJECT / "templates" / name).read_text()
        for jinja, django in DJANGO_SPELLING:
            source = re.sub(jinja, django, source, flags=re.M | re.S)
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(source)


MEASURE = """
import json, statistics, time
from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.test import Client
from briefings.models import Tag
from briefings.views import tags as tag_views

captured = {}
render = tag_views.render
def capture(request, name, context, **options):
    captured.update(request=request, context=context)
    return render(request, name, context, **options)
tag_views.render = capture

def median_ms(work, runs=300):
    work()
    times = []
    for _ in range(runs):
        started = time.perf_counter(); work(); times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000

client = Client()
page = Tag.objects.most_used().first().get_absolute_url()
whole = median_ms(lambda: client.get(page))
request, context = captured["request"], captured["context"]
names = " + ".join(item.tag.name for item in context["selected"])
django_context = {**context, "page_title": names + " · Briefings",
                  "page_description": "", "feed_names": names}
django = DjangoTemplates({"NAME": "bench", "DIRS": [DIRECTORY], "APP_DIRS": False,
    "OPTIONS": {"context_processors": ["briefings.context_processors.site_url",
                                       "django.template.context_processors.request"]}})
jinja_ms = median_ms(lambda: engines["jinja2"].get_template(
    "briefings/tag_filter.html").render(context, request))
django_ms = median_ms(lambda: django.get_template(
    "briefings/tag_filter.html").render(django_context, request))
print(json.dumps({"page": whole, "jinja2": jinja_ms, "django": django_ms}))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="briefings-templates-") as folder:
        folder = Path(folder)
        env = bench_env(folder, f"sqlite:///{folder / 'bench.sqlite3'}", page_cache_seconds="0")
        env["DJANGO_ALLOWED_HOSTS"] = "testserver"
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "generate_briefings", "--count", str(options.count), "--tags",
               str(max(50, options.count // 5)))  # fmt: skip
        write_in_django_language(folder / "templates")
        code = MEASURE.replace("DIRECTORY", repr(str(folder / "templates")))
        found = json.loads(manage(env, "shell", "-c", code).strip().splitlines()[-1])
    slower = (found["django"] - found["jinja2"]) / found["page"]
    print(
        f"uncached tag page {found['page']:.2f} ms; rendering it: Jinja2 "
        f"{found['jinja2']:.2f} ms, Django templates {found['django']:.2f} ms; "
        f"with Django templates the page is {slower:.0%} slower"
    )
    sys.exit(0)


if __name__ == "__main__":
    main()

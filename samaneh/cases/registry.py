"""Service manifests: each e-service declares itself once, and the engine, menus and demo read it here."""
from dataclasses import dataclass, field
from typing import Callable

from samaneh.cases.workflow import Workflow


@dataclass
class ServiceManifest:
    slug: str
    name: str
    workflow: Workflow
    # Called inside the transition's transaction after the state changed: service-specific effects.
    on_transition: Callable | None = None
    # The staff-facing case detail fragment the service adds to the engine's page.
    detail_template: str | None = None
    # Human-readable category of a case for queues and exports.
    category_of: Callable | None = None
    extra: dict = field(default_factory=dict)


_registry: dict[str, ServiceManifest] = {}


def register(manifest):
    if manifest.slug in _registry and _registry[manifest.slug] is not manifest:
        raise ValueError(f"service {manifest.slug!r} registered twice")
    _registry[manifest.slug] = manifest
    return manifest


def get(slug):
    try:
        return _registry[slug]
    except KeyError:
        raise LookupError(f"no service {slug!r}") from None


def all_services():
    return list(_registry.values())

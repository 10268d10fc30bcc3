"""The app factory: ``create_app(settings)`` builds a FastAPI app; nothing happens at import.

Tests pass fakes for the adapters at the lowest seams (``repository``, e.g. the in-memory one,
and a ``clock``; ``tracker_factory``, ``estimator_factory``, ``decode_jpeg``, ``analyzer``,
``picture_renderer``), never for the rules: the web app always runs the real core through
:class:`~spinecoach.web.local_user.LocalUser`, built per request for the record the
signed-in account may see (:mod:`spinecoach.web.auth`).  ``spinecoach serve`` passes none
and gets the real adapters from :mod:`spinecoach.web.wiring`.  Errors of the one exception
tree become HTTP codes here and nowhere else (a page without a session: a redirect to
``/signin``).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from spinecoach import __version__
from spinecoach.errors import (
    AccessDeniedError,
    InputError,
    MissingExtraError,
    NotFoundError,
    NotSignedInError,
    SafetyBlockError,
    SpinecoachError,
    TooManyAttemptsError,
    UnknownExerciseError,
)
from spinecoach.files import hide_paths
from spinecoach.session.repository import Repository
from spinecoach.session.sign_in_limit import SignInLimiter
from spinecoach.settings import Settings, load_settings
from spinecoach.web import (
    routes_api,
    routes_auth,
    routes_media,
    routes_pages,
    routes_phone,
    routes_ws,
    wiring,
)
from spinecoach.web.context import AppContext
from spinecoach.web.jobs import AnalysisJobs, Analyzer, EngineAnalyzer
from spinecoach.web.live import EstimatorFactory, JpegDecoder, TrackerFactory
from spinecoach.web.local_user import Clock, utc_now
from spinecoach.web.pairing import NetworkServing
from spinecoach.web.pictures import PictureRenderer, PictureService, synth_renderer
from spinecoach.web.security import Guard, SecurityMiddleware, local_host_names
from spinecoach.web.speech import SpeechService

STATIC_DIR = Path(__file__).parent / "static"
_FORM_OVERHEAD_BYTES = 64 * 1024  # multipart headers and the other form fields
TEMPLATES_DIR = Path(__file__).parent / "templates"

_STATUS: tuple[tuple[type[SpinecoachError], int], ...] = (
    (UnknownExerciseError, 404),
    (NotFoundError, 404),
    (InputError, 400),
    (SafetyBlockError, 409),
    (NotSignedInError, 401),
    (AccessDeniedError, 403),
    (TooManyAttemptsError, 429),
    (MissingExtraError, 503),
    (SpinecoachError, 500),
)


def json_safe(value: Any) -> Any:
    """``value`` with what JSON cannot carry made plain: NaN and infinities become strings,
    lone surrogates in text become '?' (an error echoing a request never fails to encode)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {json_safe(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


async def _spinecoach_error(request: Request, exc: Exception) -> Response:
    code = next(status for kind, status in _STATUS if isinstance(exc, kind))
    if isinstance(exc, NotSignedInError) and not request.url.path.startswith("/api/"):
        return routes_auth.to_signin(request)
    headers = ({"Retry-After": str(exc.retry_after_s)}
               if isinstance(exc, TooManyAttemptsError) else None)
    return JSONResponse({"detail": json_safe(hide_paths(str(exc)))}, status_code=code,
                        headers=headers)


async def _invalid_request(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse({"detail": json_safe(jsonable_encoder(exc.errors()))}, status_code=422)


def create_app(
    settings: Settings | None = None,
    *,
    repository: Repository | None = None,
    clock: Clock = utc_now,
    tracker_factory: TrackerFactory | None = None,
    estimator_factory: EstimatorFactory | None = None,
    decode_jpeg: JpegDecoder | None = None,
    analyzer: Analyzer | None = None,
    picture_renderer: PictureRenderer | None = None,
    network: NetworkServing | None = None,
) -> FastAPI:
    """Build the web app; every adapter left out is the real one.

    ``network`` (``serve --network``): the server speaks HTTPS on the local network; the
    names and addresses of its certificate are served too, and phones can be paired.
    """
    settings = settings or load_settings()
    opened = None if repository is not None else wiring.open_database(settings)
    repo = repository or opened
    assert repo is not None
    context = AppContext(
        settings=settings,
        repo=repo,
        clock=clock,
        limiter=SignInLimiter(clock),
        tracker_factory=tracker_factory or wiring.new_tracker,
        estimator_factory=estimator_factory or wiring.mediapipe_estimator,
        decode_jpeg=decode_jpeg or wiring.decode_jpeg,
        speech=SpeechService(settings.speech, settings.data_dir / "cache" / "speech"),
        pictures=PictureService(settings.data_dir / "cache" / "pictures",
                                picture_renderer or synth_renderer),
        jobs=AnalysisJobs(analyzer or EngineAnalyzer(), settings.data_dir / "uploads"),
        network=network,
    )
    app = FastAPI(
        title="spinecoach",
        version=__version__,
        description="A home-exercise coach for low back pain. It does not replace a clinician.",
        docs_url=None, redoc_url=None,  # their pages load scripts from a CDN; the schema stays
    )
    app.state.context = context
    app.state.templates = Jinja2Templates(directory=TEMPLATES_DIR)
    app.add_exception_handler(SpinecoachError, _spinecoach_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_middleware(SecurityMiddleware, guard=Guard(
        allowed_hosts=local_host_names(settings.host) | (
            network.certificates.names.all() if network else frozenset()),
        max_upload_bytes=(settings.max_upload_mb << 20) + _FORM_OVERHEAD_BYTES))
    app.include_router(routes_auth.router)
    app.include_router(routes_api.router)
    app.include_router(routes_media.router)
    app.include_router(routes_ws.router)
    app.include_router(routes_phone.router)
    app.include_router(routes_pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.router.on_startup.append(lambda: context.leases.start(context.repo, context.clock))
    app.router.on_shutdown.append(context.leases.stop)
    app.router.on_shutdown.append(context.jobs.shutdown)
    if opened is not None:  # opened here: closed here
        app.router.on_shutdown.append(opened.close)
    return app

"""The app factory: ``create_app(settings)`` builds a FastAPI app; nothing happens at import.

Tests pass fakes for every adapter (``backend``, ``tracker_factory``, ``estimator_factory``,
``decode_jpeg``, ``analyzer``, ``picture_renderer``); ``spinecoach serve`` passes none and gets
the real ones from :mod:`spinecoach.web.wiring`.  Errors of the one exception tree become
HTTP codes here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from spinecoach import __version__
from spinecoach.errors import (
    InputError,
    MissingExtraError,
    SafetyBlockError,
    SpinecoachError,
    UnknownExerciseError,
)
from spinecoach.settings import Settings, load_settings
from spinecoach.web import routes_api, routes_media, routes_pages, routes_ws, wiring
from spinecoach.web.backend import CoachBackend
from spinecoach.web.context import AppContext
from spinecoach.web.jobs import AnalysisJobs, Analyzer, engine_analyzer
from spinecoach.web.live import EstimatorFactory, JpegDecoder, TrackerFactory
from spinecoach.web.pictures import PictureRenderer, PictureService, synth_renderer
from spinecoach.web.speech import SpeechService

STATIC_DIR = Path(__file__).parent / "static"
_FORM_OVERHEAD_BYTES = 64 * 1024  # multipart headers and the other form fields
TEMPLATES_DIR = Path(__file__).parent / "templates"

_STATUS: tuple[tuple[type[SpinecoachError], int], ...] = (
    (UnknownExerciseError, 404),
    (InputError, 400),
    (SafetyBlockError, 409),
    (MissingExtraError, 503),
    (SpinecoachError, 500),
)


def _limit_uploads(app: FastAPI, max_bytes: int) -> None:
    """Refuse an upload whose declared size is over the limit before reading its body."""

    @app.middleware("http")
    async def limit(request: Request, call_next: Callable[[Request], Awaitable[Response]],
                    ) -> Response:
        declared = request.headers.get("content-length", "")
        if request.method == "POST" and declared.isdigit() and int(declared) > max_bytes:
            return JSONResponse(
                {"detail": f"The video is larger than {max_bytes >> 20} MB. Please trim it or "
                 "record a shorter clip."}, status_code=413)
        return await call_next(request)


async def _spinecoach_error(request: Request, exc: Exception) -> JSONResponse:
    code = next(status for kind, status in _STATUS if isinstance(exc, kind))
    return JSONResponse({"detail": str(exc)}, status_code=code)


def create_app(
    settings: Settings | None = None,
    *,
    backend: CoachBackend | None = None,
    tracker_factory: TrackerFactory | None = None,
    estimator_factory: EstimatorFactory | None = None,
    decode_jpeg: JpegDecoder | None = None,
    analyzer: Analyzer | None = None,
    picture_renderer: PictureRenderer | None = None,
) -> FastAPI:
    """Build the web app; every adapter left out is the real one."""
    settings = settings or load_settings()
    context = AppContext(
        settings=settings,
        backend=backend or wiring.database_backend(settings),
        tracker_factory=tracker_factory or wiring.engine_tracker,
        estimator_factory=estimator_factory or wiring.mediapipe_estimator,
        decode_jpeg=decode_jpeg or wiring.decode_jpeg,
        speech=SpeechService(settings.speech, settings.data_dir / "cache" / "speech"),
        pictures=PictureService(settings.data_dir / "cache" / "pictures",
                                picture_renderer or synth_renderer),
        jobs=AnalysisJobs(analyzer or engine_analyzer, settings.data_dir / "uploads"),
        engine_ready=tracker_factory is not None or wiring.engine_available(),
    )
    app = FastAPI(
        title="spinecoach",
        version=__version__,
        description="A home-exercise coach for low back pain. It does not replace a clinician.",
    )
    app.state.context = context
    app.state.templates = Jinja2Templates(directory=TEMPLATES_DIR)
    app.add_exception_handler(SpinecoachError, _spinecoach_error)
    _limit_uploads(app, (settings.max_upload_mb << 20) + _FORM_OVERHEAD_BYTES)
    app.include_router(routes_api.router)
    app.include_router(routes_media.router)
    app.include_router(routes_ws.router)
    app.include_router(routes_pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.router.on_shutdown.append(context.jobs.shutdown)
    return app

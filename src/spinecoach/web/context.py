"""What the app is wired with: one :class:`AppContext` per app, built by ``create_app``."""

from __future__ import annotations

from dataclasses import dataclass, field

from spinecoach.settings import Settings
from spinecoach.web.jobs import AnalysisJobs
from spinecoach.web.live import EstimatorFactory, JpegDecoder, SocketLimit, TrackerFactory
from spinecoach.web.local_user import LocalUser
from spinecoach.web.pictures import PictureService
from spinecoach.web.speech import SpeechService


@dataclass
class AppContext:
    """The adapters one app instance uses; tests build it with fakes."""

    settings: Settings
    user: LocalUser
    tracker_factory: TrackerFactory
    estimator_factory: EstimatorFactory
    decode_jpeg: JpegDecoder
    speech: SpeechService
    pictures: PictureService
    jobs: AnalysisJobs
    sockets: SocketLimit = field(default_factory=SocketLimit)

"""What the app is wired with: one :class:`AppContext` per app, built by ``create_app``."""

from __future__ import annotations

from dataclasses import dataclass, field

from spinecoach.session.repository import Repository
from spinecoach.session.sign_in_limit import SignInLimiter
from spinecoach.settings import Settings
from spinecoach.web.jobs import AnalysisJobs
from spinecoach.web.live import EstimatorFactory, JpegDecoder, SocketLimit, TrackerFactory
from spinecoach.web.live_fanout import LiveFanout
from spinecoach.web.live_leases import LiveSetLeases
from spinecoach.web.local_user import Clock
from spinecoach.web.pairing import NetworkServing, PendingPairings
from spinecoach.web.pictures import PictureService
from spinecoach.web.speech import SpeechService


@dataclass
class AppContext:
    """The adapters one app instance uses; tests build it with fakes.

    Each request gets its own :class:`~spinecoach.web.local_user.LocalUser` for the record its
    account may see (:func:`spinecoach.web.auth.get_user`).
    """

    settings: Settings
    repo: Repository
    clock: Clock
    limiter: SignInLimiter
    tracker_factory: TrackerFactory
    estimator_factory: EstimatorFactory
    decode_jpeg: JpegDecoder
    speech: SpeechService
    pictures: PictureService
    jobs: AnalysisJobs
    sockets: SocketLimit = field(default_factory=SocketLimit)
    network: NetworkServing | None = None
    """Set by ``serve --network`` (HTTPS on the local network); None on this computer only."""
    fanout: LiveFanout = field(default_factory=LiveFanout)
    watch_sockets: SocketLimit = field(default_factory=SocketLimit)
    pairings: PendingPairings = field(default_factory=PendingPairings)
    leases: LiveSetLeases = field(default_factory=LiveSetLeases)
    """The live sets this server is coaching (their lease is renewed while they run)."""

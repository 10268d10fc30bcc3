"""Pose adapters: MediaPipe BlazePose, video and webcam sources, landmark files, replay fake.

Modules (import the one you need; importing this package loads nothing heavy):

``mediapipe_estimator``  :class:`MediaPipeEstimator` (the real ``PoseEstimator``),
                         ``estimate_source`` and ``to_sequence``
``stream``               ``stream_video_poses``: a video's ordered poses, estimated here or
                         on a pool; :class:`Chunking` (how BlazePose's tracking is split)
``pool``                 :class:`PosePool`: worker processes with warm graphs
``pool_worker``          what runs inside a worker process
``shared_frames``        frames passed to the workers through shared memory
``prefetch``             :class:`Prefetched`: decoding one step ahead in a thread
``replay``               :class:`ReplayEstimator` / :class:`ReplaySource`, the fakes, and
                         :class:`ProbeEstimator`, the fake for the parallel pipeline
``video``                ``open_video`` / ``probe_video``: files via PyAV
``webcam``               :class:`WebcamSource`: a camera via OpenCV
``landmark_io``          ``read_landmarks`` / ``write_landmarks_csv``: CSV and ``.npy`` tables
``overlay``              ``draw_overlay``: the coach's drawing on one frame
``annotate``             :class:`AnnotatedVideoWriter` (the overlay, as H.264 mp4)
``jpeg``                 ``encode_jpeg`` / ``decode_jpeg``: frames of the live WebSocket
``prefetch``             :class:`Prefetched`: a ``FrameSource`` decoded ahead in a thread

MediaPipe, OpenCV and PyAV are imported lazily, inside the functions that use them.
:data:`LANDMARK_SUFFIXES` and :data:`VIDEO_SUFFIXES` name the inputs ``analyze`` reads.
"""

LANDMARK_SUFFIXES = (".csv", ".npy")
VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".y4m", ".mjpeg", ".mpg")

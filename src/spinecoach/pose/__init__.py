"""Pose adapters: MediaPipe BlazePose, video and webcam sources, landmark files, replay fake.

Modules (import the one you need; importing this package loads nothing heavy):

``mediapipe_estimator``  :class:`MediaPipeEstimator` (the real ``PoseEstimator``),
                         ``estimate_source`` and ``to_sequence``
``replay``               :class:`ReplayEstimator` / :class:`ReplaySource`, the fakes
``video``                ``open_video`` / ``probe_video``: files via PyAV
``webcam``               :class:`WebcamSource`: a camera via OpenCV
``landmark_io``          ``read_landmarks`` / ``write_landmarks_csv``: CSV and ``.npy`` tables
``overlay``              ``draw_overlay``: the coach's drawing on one frame
``annotate``             :class:`AnnotatedVideoWriter` (the overlay, as H.264 mp4)
``jpeg``                 ``encode_jpeg`` / ``decode_jpeg``: frames of the live WebSocket
``prefetch``             :class:`Prefetched`: a ``FrameSource`` decoded ahead in a thread

MediaPipe, OpenCV and PyAV are imported lazily, inside the functions that use them.
"""

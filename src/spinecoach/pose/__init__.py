"""Pose adapters: MediaPipe BlazePose, video and webcam sources, landmark files, replay fake."""

"""The naive recipe the speed benchmark compares against (run as its own process).

What a first attempt looks like: PyAV decodes the file with its defaults, every frame goes to
MediaPipe's legacy BlazePose graph (full model, video mode), all in one process.  It keeps
each frame's hip, knee and shoulder points, as an angle-threshold counter would, and prints
the number of frames with a person.

    .venv/bin/python bench/naive_recipe.py CLIP.mp4
"""

from __future__ import annotations

import sys

import av
import mediapipe as mp


def main(path: str) -> None:
    pose = mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1)
    found = 0
    points = []
    with av.open(path) as container:
        for frame in container.decode(video=0):
            result = pose.process(frame.to_ndarray(format="rgb24"))
            if result.pose_landmarks is not None:
                found += 1
                lm = result.pose_landmarks.landmark
                points.append([(lm[i].x, lm[i].y) for i in (11, 23, 25, 27)])
    pose.close()
    print(found)


if __name__ == "__main__":
    main(sys.argv[1])

#!/usr/bin/env python3
"""cmake/check_layering.py: passes a tree that keeps to the layering, and
names the file and line of every include that does not."""

import os
import subprocess
import sys
import tempfile
import unittest

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "..", "..", "cmake", "check_layering.py")

# A small tree shaped like the project's: the core with private rooms, the
# public and internal headers, one adapter and one program.
BASE_TREE = {
    "include/spotburst/plan.h": '#include "spotburst/fleet.h"\n',
    "include/spotburst/fleet.h": "",
    "include/spotburst/internal/file_util.h": '#include "spotburst/plan.h"\n',
    "src/plan.cc": '#include "spotburst/plan.h"\n#include "decision/scale_in.h"\n',
    "src/decision/scale_in.h": "",
    "src/decision/engine.cc": '#include "decision/scale_in.h"\n',
    "src/io/file_util.cc": '#include "spotburst/internal/file_util.h"\n',
    "src/cli/flags.h": "",
    "src/cli/main.cc": ('#include "cli/flags.h"\n'
                        '#include "spotburst/plan.h"\n'
                        '#include "spotburst/internal/file_util.h"\n'
                        '#include "spotburst/cloud/world.h"\n'
                        '#include "absl/status/status.h"\n'),
    "adapters/cloud/include/spotburst/cloud/world.h":
        '#include "spotburst/plan.h"\n#include "spotburst/v1/plan.pb.h"\n',
    "adapters/cloud/src/world_private.h": "",
    "adapters/cloud/src/world.cc": ('#include "spotburst/cloud/world.h"\n'
                                    '#include "world_private.h"\n'
                                    '#include "spotburst/internal/file_util.h"\n'),
    "examples/embed/main.cc": '#include "spotburst/plan.h"\n',
    "tests/decision/engine_test.cc": '#include "decision/scale_in.h"\n',
}


class CheckLayeringTest(unittest.TestCase):
    def run_on(self, changes):
        """Runs the check on BASE_TREE with `changes` appended to files."""
        with tempfile.TemporaryDirectory() as root:
            files = dict(BASE_TREE)
            for path, extra in changes.items():
                files[path] = files.get(path, "") + extra
            for path, text in files.items():
                full = os.path.join(root, path)
                os.makedirs(os.path.dirname(full), exist_ok=True)
                with open(full, "w", encoding="utf-8") as f:
                    f.write(text)
            result = subprocess.run([sys.executable, SCRIPT, root],
                                    capture_output=True, text=True, check=False)
            return result.returncode, result.stderr

    def assert_refused(self, changes, *expected):
        code, errors = self.run_on(changes)
        self.assertEqual(code, 1, errors)
        for text in expected:
            self.assertIn(text, errors)

    def test_a_tree_that_keeps_the_layering_passes(self):
        # Tests may include the core's private headers; the core its own.
        self.assertEqual(self.run_on({}), (0, ""))

    def test_an_adapter_including_a_core_room_header_is_refused(self):
        self.assert_refused(
            {"adapters/cloud/src/world.cc": '#include "decision/scale_in.h"\n'},
            'adapters/cloud/src/world.cc:4: includes "decision/scale_in.h", '
            "which is src/decision/scale_in.h")

    def test_an_adapter_with_a_src_room_on_its_include_path_is_refused(self):
        self.assert_refused(
            {"adapters/cloud/src/world.cc": '#include "scale_in.h"\n'},
            'world.cc:4: includes "scale_in.h", which is src/decision/scale_in.h')

    def test_an_adapter_reaching_src_by_a_relative_path_is_refused(self):
        self.assert_refused(
            {"adapters/cloud/src/world.cc":
                 '#include "../../../src/decision/scale_in.h"\n'},
            "world.cc:4:", "which is src/decision/scale_in.h")

    def test_a_program_including_a_core_room_header_is_refused(self):
        self.assert_refused(
            {"src/cli/main.cc": '#include "decision/scale_in.h"\n'},
            'src/cli/main.cc:6: includes "decision/scale_in.h"')

    def test_a_program_including_a_core_source_file_is_refused(self):
        self.assert_refused({"src/cli/main.cc": '#include "plan.cc"\n'},
                            "src/cli/main.cc:6:", "which is src/plan.cc")

    def test_a_public_header_including_an_internal_one_is_refused(self):
        self.assert_refused(
            {"include/spotburst/plan.h":
                 '#include "spotburst/internal/file_util.h"\n'},
            'include/spotburst/plan.h:2: includes '
            '"spotburst/internal/file_util.h", an internal header')

    def test_an_adapters_public_header_including_its_private_one_is_refused(self):
        self.assert_refused(
            {"adapters/cloud/include/spotburst/cloud/world.h":
                 '#include "world_private.h"\n'},
            "world.h:3:", "which is adapters/cloud/src/world_private.h")

    def test_an_example_including_an_internal_header_is_refused(self):
        self.assert_refused(
            {"examples/embed/main.cc":
                 '#include "spotburst/internal/file_util.h"\n'},
            "examples/embed/main.cc:2:", "an internal header")

    def test_every_violation_is_listed_with_a_count(self):
        code, errors = self.run_on({
            "src/cli/main.cc": '#include "decision/scale_in.h"\n',
            "adapters/cloud/src/world.cc": '#include "decision/scale_in.h"\n',
        })
        self.assertEqual(code, 1)
        self.assertIn("src/cli/main.cc:6:", errors)
        self.assertIn("adapters/cloud/src/world.cc:4:", errors)
        self.assertIn("2 include(s) reach past", errors)


if __name__ == "__main__":
    unittest.main()

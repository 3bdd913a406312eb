"""weir's adapter for Python functions: runs an unchanged Lambda handler.

python3 -c ADAPTER MODULE_PATH HANDLER reads the event (JSON) on standard
input, imports MODULE_PATH, calls HANDLER(event, context) and prints the
result as JSON on standard output, or Lambda's error object
{"errorType", "errorMessage", "stackTrace"} when the handler raises. What
the handler prints goes to standard error, weir's log, as print() output
goes to CloudWatch Logs on Lambda.
"""
import importlib.util
import json
import os
import sys
import time
import traceback


class LambdaContext:
    """The parts of Lambda's context object a handler can use."""

    def __init__(self):
        env = os.environ
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.invoked_function_arn = env.get("WEIR_FUNCTION_ARN", "")
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.aws_request_id = env.get("WEIR_FUNCTION_REQUEST_ID", "")
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = None
        self.client_context = None
        self._deadline_ms = int(env.get("WEIR_FUNCTION_DEADLINE_MS", "0"))

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))


def error_object(error_type, message, tb=None):
    # The adapter's own frames (it runs as python3 -c: "<string>") are left out.
    frames = [f for f in traceback.extract_tb(tb) if f.filename != "<string>"] if tb else []
    return {"errorType": error_type, "errorMessage": message, "stackTrace": traceback.format_list(frames)}


def main():
    module_path, handler_name = sys.argv[1], sys.argv[2]
    # The result goes to the real standard output; everything else the
    # handler (or a program it starts) writes there goes to the log.
    result_out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def finish(obj):
        if isinstance(obj, dict) and "errorType" in obj:
            print("[ERROR] %s: %s" % (obj["errorType"], obj["errorMessage"]), file=sys.stderr)
            for line in obj["stackTrace"]:
                sys.stderr.write(line)
        json.dump(obj, result_out)
        result_out.flush()

    text = sys.stdin.read()
    try:
        event = json.loads(text) if text.strip() else None
    except ValueError as e:
        return finish(error_object("Runtime.UnmarshalError", "Unable to unmarshal input: %s" % e))
    name = os.path.splitext(os.path.basename(module_path))[0]
    try:
        sys.path.insert(0, os.path.dirname(os.path.abspath(module_path)))
        spec = importlib.util.spec_from_file_location(name, module_path)
        if spec is None:
            raise ImportError("%s is not a Python module" % module_path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    except Exception as e:
        return finish(error_object("Runtime.ImportModuleError",
                                   "Unable to import module '%s': %s" % (name, e), e.__traceback__))
    handler = getattr(module, handler_name, None)
    if not callable(handler):
        return finish(error_object("Runtime.HandlerNotFound",
                                   "Handler '%s' missing on module '%s'" % (handler_name, name)))
    try:
        result = handler(event, LambdaContext())
    except Exception as e:
        return finish(error_object(type(e).__name__, str(e), e.__traceback__))
    try:
        text = json.dumps(result)
    except (TypeError, ValueError) as e:
        return finish(error_object("Runtime.MarshalError", "Unable to marshal response: %s" % e))
    result_out.write(text)
    result_out.flush()


main()

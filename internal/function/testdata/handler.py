# A Lambda handler, unchanged: weir runs it with its Python adapter.
import json
import os

import helper  # a module next to the handler


class ValidationError(Exception):
    pass


def handle(event, context):
    print("handling", json.dumps(event))  # goes to the log, not the result
    if event.get("fail"):
        raise ValidationError("no day in " + json.dumps(event))
    if event.get("exit"):
        raise SystemExit(4)
    if event.get("unserializable"):
        return {"s": {1, 2}}
    return {
        "echo": event,
        "function_name": context.function_name,
        "request_id": context.aws_request_id,
        "arn": context.invoked_function_arn,
        "remaining_ok": 0 < context.get_remaining_time_in_millis() <= 5000,
        "greeting": helper.greet(os.environ.get("WHO", "nobody")),
        "cwd": os.path.basename(os.getcwd()),
    }


def other(event, context):
    return None

import no_such_module_for_weir  # noqa: F401


def handle(event, context):
    return 1

"""Access-log formats as AWS's examples write them, for estates that log like real ones.

REST: the CLF, JSON, XML and CSV examples of
https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-access-logging.html (each
records the request id, source IP, caller, method, path and status); HTTP: the JSON example of
https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html.
"""

from __future__ import annotations

REST_CLF = (
    "$context.identity.sourceIp $context.identity.caller $context.identity.user "
    '[$context.requestTime]"$context.httpMethod $context.resourcePath $context.protocol" '
    "$context.status $context.responseLength $context.requestId $context.extendedRequestId"
)
REST_JSON = (
    '{ "requestId":"$context.requestId", "extendedRequestId":"$context.extendedRequestId", '
    '"ip": "$context.identity.sourceIp", "caller":"$context.identity.caller", '
    '"user":"$context.identity.user", "requestTime":"$context.requestTime", '
    '"httpMethod":"$context.httpMethod", "resourcePath":"$context.resourcePath", '
    '"status":"$context.status", "protocol":"$context.protocol", '
    '"responseLength":"$context.responseLength" }'
)
REST_XML = (
    '<request id="$context.requestId"> '
    "<extendedRequestId>$context.extendedRequestId</extendedRequestId> "
    "<ip>$context.identity.sourceIp</ip> <caller>$context.identity.caller</caller> "
    "<user>$context.identity.user</user> <requestTime>$context.requestTime</requestTime> "
    "<httpMethod>$context.httpMethod</httpMethod> "
    "<resourcePath>$context.resourcePath</resourcePath> <status>$context.status</status> "
    "<protocol>$context.protocol</protocol> "
    "<responseLength>$context.responseLength</responseLength> </request>"
)
REST_CSV = (
    "$context.identity.sourceIp,$context.identity.caller,$context.identity.user,"
    "$context.requestTime,$context.httpMethod,$context.resourcePath,$context.protocol,"
    "$context.status,$context.responseLength,$context.requestId,$context.extendedRequestId"
)
HTTP_JSON = (
    '{ "requestId":"$context.requestId", "ip": "$context.identity.sourceIp", '
    '"requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod", '
    '"routeKey":"$context.routeKey", "status":"$context.status", '
    '"protocol":"$context.protocol", "responseLength":"$context.responseLength" }'
)
# REST_JSON with what traffic evidence also reads: the concrete path callers used behind a
# greedy resource ($context.path) and the API and stage, which tell apart the stages sharing
# a log group.
REST_JSON_TRAFFIC = (
    '{ "requestId":"$context.requestId", "ip": "$context.identity.sourceIp", '
    '"caller":"$context.identity.caller", "requestTime":"$context.requestTime", '
    '"apiId":"$context.apiId", "stage":"$context.stage", '
    '"httpMethod":"$context.httpMethod", "resourcePath":"$context.resourcePath", '
    '"path":"$context.path", "status":"$context.status", "protocol":"$context.protocol", '
    '"responseLength":"$context.responseLength" }'
)

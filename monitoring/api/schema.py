"""The published schema documents every answer the API gives, errors included, so that a
client (and schemathesis) can rely on it: 400 for a wrong filter or page value, 401 for a
wrong token, 404 for an id the caller may not see, 405 for a write, 406 for a format the
API does not speak, 429 when throttled."""

from __future__ import annotations

ERROR = {
    "type": "object",
    "description": 'Hata / error: {"detail": "..."} ya da alan adına göre iletiler.',
    "additionalProperties": True,
}

ANSWERS = {
    "400": "Geçersiz süzgeç ya da sayfa değeri / invalid filter or page value",
    "401": "Geçersiz anahtar (token) / invalid token",
    "403": "İzin yok / forbidden",
    "404": "Yok ya da görme yetkiniz yok / not found or not visible to you",
    "406": "İstenen biçim yok / format not available",
    "429": "Çok fazla istek; Retry-After başlığına bakın / throttled, see Retry-After",
}


def _link_lists_to_details(paths: dict) -> None:
    """OpenAPI links from each list to its detail (the first row's id), so a client or a
    stateful fuzzer can walk from one to the other."""
    for path, operations in paths.items():
        detail = paths.get(f"{path}{{id}}/", {}).get("get")
        listing = operations.get("get")
        if not detail or not listing or "{" in path:
            continue
        ok = listing.get("responses", {}).get("200")
        if ok is not None:
            ok["links"] = {
                "FirstRow": {
                    "operationId": detail["operationId"],
                    "parameters": {"id": "$response.body#/results/0/id"},
                }
            }


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            security = operation.setdefault("security", [])
            if {} not in security:
                security.append({})  # anonymous callers are welcome
            responses = operation.setdefault("responses", {})
            for code, text in ANSWERS.items():
                if code == "404" and "{" not in path:
                    continue
                responses.setdefault(
                    code, {"description": text, "content": {"application/json": {"schema": ref}}}
                )
    _link_lists_to_details(result.get("paths", {}))
    return result

"""The JSON API under /api/v1/: each app keeps its endpoints in its own api.py."""

from ninja import NinjaAPI

api = NinjaAPI(title="Koinon API", version="1.0.0", urls_namespace="api")


@api.get("/me", tags=["accounts"])
def me(request):
    user = request.user
    if not user.is_authenticated:
        return api.create_response(request, {"detail": "Not signed in."}, status=401)
    return {"id": user.pk, "email": user.email, "display_name": user.display_name}

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from koinon.accounts.policy import get_person_for


def profile_detail(request, pk):
    person = get_person_for(request.user, pk)
    return render(request, "accounts/profile_detail.html", {"person": person})


@login_required
def settings_home(request):
    return render(request, "accounts/settings.html")

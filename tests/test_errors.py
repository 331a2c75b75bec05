import pytest


@pytest.mark.django_db
def test_an_unknown_api_url_answers_json_404(client, settings, cast):
    settings.DEBUG = False
    client.force_login(cast.alice)
    response = client.get("/api/v1/no-such-resource/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "未找到" in response.json()["detail"]


@pytest.mark.django_db
def test_an_unknown_page_answers_html_404(client, settings, cast):
    settings.DEBUG = False
    client.force_login(cast.alice)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]


@pytest.mark.django_db
def test_a_forbidden_page_explains_itself_in_chinese(client, settings, cast):
    settings.DEBUG = False
    client.force_login(cast.dave)  # a village secretary may not create county units
    response = client.get("/directory/units/new/")
    assert response.status_code == 403
    assert "无权" in response.content.decode()

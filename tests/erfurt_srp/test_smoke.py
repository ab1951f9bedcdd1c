def test_home_page_answers_in_german(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "Zum Inhalt springen" in response.content.decode()

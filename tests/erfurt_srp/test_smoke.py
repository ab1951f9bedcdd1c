def test_home_page_answers_in_german(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "Zum Inhalt springen" in response.content.decode()


def test_member_role_is_derived_from_an_active_membership(member_user, public_user):
    from erfurt_srp.accounts.roles import Role, role_of

    assert role_of(member_user) == Role.MEMBER
    assert role_of(public_user) == Role.PUBLIC

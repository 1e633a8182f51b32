"""The hazard import's preview names, per row, the open hazards of the row's enterprise that
the row may repeat (issue 19); such rows are still imported."""
from __future__ import annotations

import pytest

from hazards import services as hazard_services
from spreadsheets.choices import IssueKind, ImportStatus

from .conftest import validate
from .workbooks import hazard_file, hazard_row

pytestmark = pytest.mark.django_db


def test_the_preview_names_the_likely_duplicates_per_row(client, county):
    existing = hazard_services.hazard_create(actor=county.inspector, data={
        "title": "储罐区可燃气体报警器失效", "enterprise": county.plant})
    rows = [
        hazard_row(original_code="XS-001", credit_code=county.plant.credit_code, title="储罐区可燃气体报警器损坏失效"),
        hazard_row(original_code="XS-002", credit_code=county.plant.credit_code, title="配电箱未接地",
                   description="配电箱外壳无接地线"),
        hazard_row(original_code="XS-003", credit_code=county.mine.credit_code, title="储罐区可燃气体报警器失效"),
    ]
    job = validate(county.supervisor, hazard_file(rows))

    assert job.status == ImportStatus.VALIDATED and job.valid_rows == 3 and job.error_rows == 0
    flagged = list(job.issues.filter(kind=IssueKind.DUPLICATE).values_list("row", "message"))
    assert [row for row, _ in flagged] == [2]  # the header is row 1; the mine's row is another enterprise
    assert existing.code in flagged[0][1] and "储罐区可燃气体报警器失效" in flagged[0][1]

    client.force_login(county.supervisor)
    page = client.get(f"/spreadsheets/imports/{job.pk}/")
    assert page.status_code == 200
    assert [i.row for i in page.context["duplicates"]] == [2] and existing.code in page.content.decode()

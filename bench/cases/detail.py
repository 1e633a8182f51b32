"""A hazard's detail in the API, its timeline included, for the county supervisor: a major
hazard with a long history (the longest timeline of the county's major hazards)."""
from __future__ import annotations

import json

from django.db import connection

from bench.harness import Case

from ._common import COUNTY, COUNTY_USER, client_for, ok

# Everything the detail shows, in one statement: the row and its joins, the timeline with its
# actors and attachments, extension requests, attachments, the plan.
DETAIL_SQL = """
SELECT h.*, r.name AS region_name, s.name AS sector_name, e.name AS enterprise_name,
       fb.full_name, cb.full_name, ab.full_name, ai.full_name, rb.full_name, vb.full_name, sb.full_name,
       d.name AS department_name, dr.name AS department_region,
       row_to_json(p.*) AS plan,
       (SELECT coalesce(json_agg(json_build_object(
                'id', ev.id, 'at', ev.at, 'action', ev.action, 'from', ev.from_status, 'to', ev.to_status,
                'comment', ev.comment, 'changes', ev.changes, 'actor', u.id, 'actor_name', u.full_name,
                'attachments', (SELECT coalesce(json_agg(a.id ORDER BY a.uploaded_at, a.id), '[]')
                                FROM hazards_attachment a WHERE a.event_id = ev.id))
                ORDER BY ev.at, ev.id), '[]')
        FROM hazards_hazardevent ev LEFT JOIN accounts_user u ON u.id = ev.actor_id
        WHERE ev.hazard_id = h.id) AS events,
       (SELECT coalesce(json_agg(row_to_json(x.*) ORDER BY x.requested_at DESC), '[]')
        FROM hazards_extensionrequest x WHERE x.hazard_id = h.id) AS extensions,
       (SELECT coalesce(json_agg(row_to_json(a.*) ORDER BY a.uploaded_at, a.id), '[]')
        FROM hazards_attachment a WHERE a.hazard_id = h.id) AS attachments
FROM hazards_hazard h
JOIN accounts_region r ON r.code = h.region_id
JOIN accounts_sector s ON s.code = h.sector_id
LEFT JOIN accounts_enterprise e ON e.id = h.enterprise_id
LEFT JOIN accounts_user fb ON fb.id = h.found_by_id
LEFT JOIN accounts_user cb ON cb.id = h.confirmed_by_id
LEFT JOIN accounts_user ab ON ab.id = h.assigned_by_id
LEFT JOIN accounts_user ai ON ai.id = h.assigned_inspector_id
LEFT JOIN accounts_user rb ON rb.id = h.rectification_reported_by_id
LEFT JOIN accounts_user vb ON vb.id = h.verified_by_id
LEFT JOIN accounts_user sb ON sb.id = h.signed_off_by_id
LEFT JOIN accounts_department d ON d.id = h.source_department_id
LEFT JOIN accounts_region dr ON dr.code = d.region_id
LEFT JOIN hazards_rectificationplan p ON p.hazard_id = h.id
WHERE h.id = %s
"""


class HazardDetailApi(Case):
    name = "detail_api"
    title = "隐患详情 API（含处理记录时间线）：县级督办用户查看一条重大隐患"
    target_ms, target_ratio = 50, 2  # issue 18: ratio ≤ 2

    def setup(self):
        self.client = client_for(COUNTY_USER)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT h.id FROM hazards_hazard h JOIN hazards_hazardevent ev ON ev.hazard_id = h.id "
                "WHERE h.region_id LIKE %s AND h.level = 'major' GROUP BY h.id ORDER BY count(*) DESC, h.id LIMIT 1",
                [COUNTY + "%"],
            )
            self.hazard_id = cursor.fetchone()[0]
        self.path = f"/api/hazards/{self.hazard_id}/"

    def code(self):
        return ok(self.client.get(self.path))

    def sql(self, cursor):
        cursor.execute(DETAIL_SQL, [self.hazard_id])
        return cursor.fetchone()

    def same(self, response, row):
        data = json.loads(response.content)
        events = row[-3]
        return data["id"] == self.hazard_id and [e["id"] for e in data["events"]] == [e["id"] for e in events]


CASES = [HazardDetailApi()]

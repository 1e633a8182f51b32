"""Seed data, the top floor: it imports every app and nothing imports it.

  seed.py        `manage.py seed_demo`: regions, departments, enterprises, users and the hazard
                 stories, then each app's own seeder beside its models (inspections/demo.py,
                 tipoffs/demo.py, incidents/demo.py, spreadsheets/demo.py, supervision/demo.py);
  scale.py       `manage.py seed_scale`: the provincial data set loaded with COPY;
  scale_data.py  its row generators (pure functions of the seed and the as-of date).

The random generators and made-up files that the apps' seeders share are in
hazardtrack/demo_files.py, beneath every app, so no app's seeder imports this package."""

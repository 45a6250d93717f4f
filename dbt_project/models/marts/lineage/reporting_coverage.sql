-- One row per measure (models, 30-day and all-time downloads, parameters) and scope (own_report,
-- lineage_report_only, no_report): how much of the Hub a report covers (docs/method.md#lineage).
{{ coverage_shares() }}

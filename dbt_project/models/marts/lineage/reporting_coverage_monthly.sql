-- RQ1 weighted by use: reporting_coverage per creation month (dim_models.created_at, as
-- rq1_reporting_share_monthly; models without a creation date are left out).
{{ coverage_shares(['created_month']) }}

-- reporting_coverage and its monthly version: within a measure (and month), the scopes' shares
-- sum to 1, unless the measure's total is 0 (then every share is null). Returns the offenders.
with

shares as (

    select
        'all' as created_month,
        measure,
        share
    from {{ ref('reporting_coverage') }}
    union all
    select
        created_month,
        measure,
        share
    from {{ ref('reporting_coverage_monthly') }}

),

summed as (

    select
        created_month,
        measure,
        sum(share) as share_sum,
        count(share) as shares
    from shares
    group by created_month, measure

)

select *
from summed
where shares > 0 and (shares <> 3 or abs(share_sum - 1) > 1e-9)

-- One row per model with a measured emission value: is that value its own training run, or one
-- inherited from another model's card (a quantized, converted, merged or re-uploaded copy)? Never
-- decided by the number alone: every inheritance needs the same grams AND one piece of evidence,
-- tried strongest first (docs/method.md#each-training-run-counted-once):
--   1. base_model_tag / card_base_model: the model declares a base (the Hub's base_model:... tags,
--      or only the card's base_model) that reports the same grams and was created earlier;
--   2. sibling_same_base: models declaring the same base (which does not report those grams)
--      report the same grams: the oldest keeps the value, the others inherit it from it;
--   3. name_pattern: same repo name once repack suffixes (-GGUF, -Q4_K_M, -AWQ, -openvino, -copy,
--      -Instruct...) are stripped: the original (no suffix, declares no base, oldest) keeps it. A
--      repack that also adds the parameter count (distilgpt2-82M-GGUF) is a copy of the original
--      named without it; a name without repack suffixes keeps its count (GPT-125m is no GPT-355m).
-- Each step only considers models no stronger step marked, and a value's source is always older or
-- kept at its own step, so every chain of inheritance ends at a value that is counted: each training
-- run is counted exactly once.
{%- set repack_suffixes = "'([-_.](gguf|gptq|awq|exl2|mlx|onnx|openvino|fp8|fp16|bf16|f16|int4|int8|bnb"
    ~ "|[48]bit|q[0-9](_[a-z0-9]+)*|instruct|chat|copy|mirror|backup))+$'" %}
{%- set parameter_count = "'[-_.][0-9]+([.][0-9]+)?[mb]$'" %}
with

reporters as (

    select
        parsed.model_id,
        parsed.co2_eq_emissions_g,
        {{ hubcarbon.regexp_replace_all("lower(split_part(parsed.model_id, '/', 2))", repack_suffixes, "''") }}
            as name_stem,
        lower(split_part(parsed.model_id, '/', 2)) as repo_name,
        -- Older first: the first commit, else the Hub's createdAt (its pre-2022 placeholder still
        -- sorts before every later creation); then the more downloaded.
        row_number() over (
            order by
                coalesce(first_commits.first_commit_at, models.hub_created_at) asc,
                models.downloads_all_time desc nulls last,
                parsed.model_id asc
        ) as age_rank
    from {{ ref('int_model_emissions_parsed_to_grams') }} as parsed
    inner join {{ ref('int_models_unioned') }} as models on parsed.model_id = models.model_id
    left join {{ ref('stg_hf_hub__model_first_commits') }} as first_commits
        on parsed.model_id = first_commits.model_id
    where parsed.emissions_parse_status in ('ok', 'unit_assumed_grams')

),

-- Who declares which base, and how: the Hub's tag (base_model:<id>, or base_model:<relation>:<id>)
-- or only the card's base_model (macro base_model_declarations, shared with the lineage).
declared as (

    select
        model_id,
        parent_model_id as base_model_id,
        case when evidence = 'hub_tag' then 1 else 0 end as is_tagged
    from ({{ hubcarbon.base_model_declarations(ref('int_models_unioned')) }}) as declarations

),

declarations as (

    select
        declared.model_id,
        declared.base_model_id,
        max(declared.is_tagged) = 1 as is_tagged
    from declared
    inner join reporters on declared.model_id = reporters.model_id
    where declared.base_model_id is not null and declared.base_model_id <> declared.model_id
    group by declared.model_id, declared.base_model_id

),

-- 1. The declared base reports the same grams and is older: the value is the base's.
from_base as (

    select
        reporters.model_id,
        {{ hubcarbon.min_by('bases.model_id', 'bases.age_rank') }} as inherited_from_model_id,
        case
            when max(case when declarations.is_tagged then 1 else 0 end) = 1 then 'base_model_tag'
            else 'card_base_model'
        end as inheritance_evidence
    from reporters
    inner join declarations on reporters.model_id = declarations.model_id
    inner join reporters as bases
        on
            declarations.base_model_id = bases.model_id
            and reporters.co2_eq_emissions_g = bases.co2_eq_emissions_g
            and reporters.age_rank > bases.age_rank
    group by reporters.model_id

),

-- 2. Models declaring the same base report the same grams, which the base does not: the oldest
-- of them keeps the value.
siblings as (

    select
        reporters.model_id,
        reporters.age_rank,
        declarations.base_model_id,
        reporters.co2_eq_emissions_g,
        min(reporters.age_rank) over (
            partition by declarations.base_model_id, reporters.co2_eq_emissions_g
        ) as eldest_rank
    from reporters
    inner join declarations on reporters.model_id = declarations.model_id
    left join from_base on reporters.model_id = from_base.model_id
    where from_base.model_id is null

),

from_sibling as (

    select
        siblings.model_id,
        {{ hubcarbon.min_by('eldest.model_id', 'eldest.age_rank') }} as inherited_from_model_id,
        'sibling_same_base' as inheritance_evidence
    from siblings
    inner join siblings as eldest
        on
            siblings.base_model_id = eldest.base_model_id
            and siblings.co2_eq_emissions_g = eldest.co2_eq_emissions_g
            and siblings.eldest_rank = eldest.age_rank
    where siblings.age_rank > siblings.eldest_rank
    group by siblings.model_id

),

declaring as (

    select distinct model_id
    from declarations

),

-- 3. Same grams and the same name once repack suffixes are stripped: the original is the one
-- without a suffix, then the one declaring no base, then the oldest.
named as (

    select
        reporters.model_id,
        reporters.co2_eq_emissions_g,
        reporters.name_stem,
        -- A repack's stem without the parameter count it ends with; null for other names.
        case
            when
                reporters.repo_name <> reporters.name_stem
                and {{ hubcarbon.regexp_test('reporters.name_stem', parameter_count) }}
                then {{ hubcarbon.regexp_replace_all('reporters.name_stem', parameter_count, "''") }}
        end as uncounted_stem,
        reporters.repo_name = reporters.name_stem as is_unsuffixed,
        row_number() over (
            partition by reporters.co2_eq_emissions_g, reporters.name_stem
            order by
                case when reporters.repo_name = reporters.name_stem then 0 else 1 end,
                case when declaring.model_id is null then 0 else 1 end,
                reporters.age_rank
        ) as original_rank
    from reporters
    left join declaring on reporters.model_id = declaring.model_id
    left join from_base on reporters.model_id = from_base.model_id
    left join from_sibling on reporters.model_id = from_sibling.model_id
    where from_base.model_id is null and from_sibling.model_id is null

),

from_name as (

    select
        copies.model_id,
        originals.model_id as inherited_from_model_id,
        'name_pattern' as inheritance_evidence
    from named as copies
    inner join named as originals
        on
            copies.co2_eq_emissions_g = originals.co2_eq_emissions_g
            and originals.original_rank = 1
            and (
                (copies.name_stem = originals.name_stem and copies.original_rank > 1)
                or (
                    copies.uncounted_stem = originals.name_stem
                    and copies.original_rank = 1
                    and originals.is_unsuffixed
                )
            )

),

inherited as (

    select * from from_base
    union all
    select * from from_sibling
    union all
    select * from from_name

),

final as (

    select
        reporters.model_id,
        inherited.model_id is not null as emission_value_inherited,
        inherited.inherited_from_model_id,
        inherited.inheritance_evidence
    from reporters
    left join inherited on reporters.model_id = inherited.model_id

)

select * from final

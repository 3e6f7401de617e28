-- Suite three_public: the "三公" table 09 (fct_three_public), for the budget and the actual stage.
--   three_public_total     total = overseas_travel + vehicles + reception
--   three_public_vehicles  vehicles = vehicle_purchase + vehicle_operation
-- observed is the printed amount of the subject, expected the sum of its parts.

with

stages as (

    select
        report_id,
        stage,
        max(amount) filter (where item = 'total') as total,
        max(amount) filter (where item = 'overseas_travel') as overseas_travel,
        max(amount) filter (where item = 'vehicles') as vehicles,
        max(amount) filter (where item = 'vehicle_purchase') as vehicle_purchase,
        max(amount) filter (where item = 'vehicle_operation') as vehicle_operation,
        max(amount) filter (where item = 'reception') as reception,
        max(page) filter (where item = 'total') as total_page,
        max(page) filter (where item = 'vehicles') as vehicles_page
    from {{ ref('fct_three_public') }}
    group by all

),

totals as (

    select
        report_id,
        'three_public_total' as check_name,
        '09 ' || stage || ' total' as subject,
        {{ check_amount('overseas_travel') }} + {{ check_amount('vehicles') }} + {{ check_amount('reception') }} as expected,
        {{ check_amount('total') }} as observed,
        (overseas_travel is not null)::int + (vehicles is not null)::int + (reception is not null)::int as n_addends,
        total_page as page
    from stages
    where coalesce(total, overseas_travel, vehicles, reception) is not null

),

vehicles as (

    select
        report_id,
        'three_public_vehicles' as check_name,
        '09 ' || stage || ' vehicles' as subject,
        {{ check_amount('vehicle_purchase') }} + {{ check_amount('vehicle_operation') }} as expected,
        {{ check_amount('vehicles') }} as observed,
        (vehicle_purchase is not null)::int + (vehicle_operation is not null)::int as n_addends,
        vehicles_page as page
    from stages
    where coalesce(vehicles, vehicle_purchase, vehicle_operation) is not null

),

unioned as (

    select * from totals
    union all
    select * from vehicles

)

{{ check_comparison_select('three_public', table_no=table_of_family('three_public'), page='unioned.page') }}

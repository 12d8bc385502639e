"""The charts drawn from metrics: every metric has one, and it says what it shows in text."""

from insights.charts import group_sizes, render_chart
from insights.selectors import Metric

CLUSTERS = Metric(
    slug="clusters",
    title="Similar issues in different regions",
    description="Groups of similar issues.",
    columns=("Group", "Issue", "Region", "Endorsements"),
    rows=(
        (1, "PI-00001: Young people leaving care homeless", "North", 4),
        (1, "PI-00002", "South", 1),
        (1, "PI-00003: Care leavers homeless", "South", 0),
        (2, "PI-00004: No respite for kinship carers", "West", 2),
        (2, "PI-00005: Kinship carers get no respite", "East", 3),
    ),
    chart="groups",
)


def test_group_sizes_counts_issues_regions_and_endorsements_of_each_group():
    assert group_sizes(CLUSTERS) == [(1, 3, 2, 5), (2, 2, 2, 5)]


def test_render_chart_clusters_draws_one_labelled_bar_per_group_with_its_counts_in_text():
    svg = render_chart(CLUSTERS)

    assert svg.startswith(
        '<svg xmlns="http://www.w3.org/2000/svg" class="insight-chart" role="img"'
    )
    assert '<title id="chart-clusters-title">Similar issues in different regions</title>' in svg
    assert ">Group 1, 2 regions</text>" in svg
    assert ">3 issues, 5 endorsements</text>" in svg
    assert ">Group 2, 2 regions</text>" in svg
    assert ">2 issues, 5 endorsements</text>" in svg
    assert svg.count("<rect ") - svg.count('<rect width="8"') == 2
    assert "style=" not in svg

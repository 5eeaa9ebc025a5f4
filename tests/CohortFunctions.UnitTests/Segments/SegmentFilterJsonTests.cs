using System.Text.Json.Nodes;
using CohortFunctions.Cohorts;
using CohortFunctions.Results;
using CohortFunctions.Segments;

namespace CohortFunctions.UnitTests.Segments;

public sealed class SegmentFilterJsonTests
{
    private const string Leaf = """{"partner": "amplitude", "cohort_id": "abc123"}""";

    [Fact]
    public void Parse_Includes_MemberOfThatCohort()
    {
        // Act
        var result = SegmentFilterJson.Parse(SegmentTestData.Json($$"""{"includes": {{Leaf}}}"""));

        // Assert
        Assert.True(result.IsSuccess);
        var includes = Assert.IsType<IncludesFilter>(result.Value);
        Assert.Equal(new CohortRef("amplitude", "abc123"), includes.Cohort);
        Assert.Equal(1, includes.Depth);
    }

    [Fact]
    public void Parse_Excludes_NotAMemberOfThatCohort()
    {
        // Act
        var result = SegmentFilterJson.Parse(SegmentTestData.Json("""{"excludes": {"partner": "mixpanel", "cohort_id": "c 1/ü"}}"""));

        // Assert
        var excludes = Assert.IsType<ExcludesFilter>(result.Value);
        Assert.Equal(new CohortRef("mixpanel", "c 1/ü"), excludes.Cohort);
    }

    [Fact]
    public void Parse_NestedAndOr_KeepsStructureOrderAndCohorts()
    {
        // Arrange
        var json = """
            {"and": [
              {"includes": {"partner": "amplitude", "cohort_id": "a"}},
              {"or": [
                {"includes": {"partner": "amplitude", "cohort_id": "b"}},
                {"excludes": {"partner": "mixpanel", "cohort_id": "c"}}
              ]}
            ]}
            """;

        // Act
        var result = SegmentFilterJson.Parse(SegmentTestData.Json(json));

        // Assert
        var and = Assert.IsType<AndFilter>(result.Value);
        Assert.Equal(2, and.Filters.Count);
        Assert.Equal(new CohortRef("amplitude", "a"), Assert.IsType<IncludesFilter>(and.Filters[0]).Cohort);
        var or = Assert.IsType<OrFilter>(and.Filters[1]);
        Assert.Equal(new CohortRef("amplitude", "b"), Assert.IsType<IncludesFilter>(or.Filters[0]).Cohort);
        Assert.Equal(new CohortRef("mixpanel", "c"), Assert.IsType<ExcludesFilter>(or.Filters[1]).Cohort);
        Assert.Equal(3, and.Depth);
        Assert.Equal([new("amplitude", "a"), new("amplitude", "b"), new CohortRef("mixpanel", "c")], and.Cohorts());
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"includes\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("true")]
    public void Parse_RootNotAnObject_InvalidNamingTheFilter(string json)
    {
        // Act
        var result = SegmentFilterJson.Parse(SegmentTestData.Json(json));

        // Assert
        AssertInvalid(result, "filter must be an object with one of \"includes\", \"excludes\", \"and\", \"or\".");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"includes": {"partner": "amplitude", "cohort_id": "a"}, "excludes": {"partner": "amplitude", "cohort_id": "b"}}""")]
    [InlineData("""{"and": [{"includes": {"partner": "amplitude", "cohort_id": "a"}}], "or": [{"includes": {"partner": "amplitude", "cohort_id": "a"}}]}""")]
    public void Parse_NoneOrSeveralOperators_InvalidAskingForExactlyOne(string json)
    {
        // Act
        var result = SegmentFilterJson.Parse(SegmentTestData.Json(json));

        // Assert
        AssertInvalid(result, "filter must have exactly one of \"includes\", \"excludes\", \"and\", \"or\".");
    }

    [Theory]
    [InlineData("not")]
    [InlineData("Includes")]
    [InlineData("AND")]
    public void Parse_UnknownOperator_InvalidNamingIt(string name)
    {
        // Act
        var result = SegmentFilterJson.Parse(SegmentTestData.Json($$"""{"{{name}}": {{Leaf}}}"""));

        // Assert
        AssertInvalid(result, $"filter: unknown operator \"{name}\"; use \"includes\", \"excludes\", \"and\" or \"or\".");
    }

    [Theory]
    [InlineData("includes", "\"abc123\"")]
    [InlineData("includes", "[]")]
    [InlineData("includes", "null")]
    [InlineData("includes", """{"cohort_id": "abc123"}""")]
    [InlineData("includes", """{"partner": "amplitude"}""")]
    [InlineData("excludes", """{"partner": "", "cohort_id": "abc123"}""")]
    [InlineData("excludes", """{"partner": "amplitude", "cohort_id": ""}""")]
    [InlineData("excludes", """{"partner": 1, "cohort_id": "abc123"}""")]
    [InlineData("excludes", """{"partner": "amplitude", "cohort_id": 123}""")]
    [InlineData("includes", """{"partner": null, "cohort_id": "abc123"}""")]
    public void Parse_MalformedCondition_InvalidNamingTheCondition(string name, string condition)
    {
        // Act
        var result = SegmentFilterJson.Parse(SegmentTestData.Json($$"""{"{{name}}": {{condition}}}"""));

        // Assert
        AssertInvalid(result, $"filter.{name} must be an object with string \"partner\" and \"cohort_id\".");
    }

    [Theory]
    [InlineData("and", "[]")]
    [InlineData("or", "[]")]
    [InlineData("and", "{}")]
    [InlineData("or", "null")]
    [InlineData("and", "\"x\"")]
    public void Parse_EmptyOrNonArrayCombination_Invalid(string name, string value)
    {
        // Act
        var result = SegmentFilterJson.Parse(SegmentTestData.Json($$"""{"{{name}}": {{value}}}"""));

        // Assert
        AssertInvalid(result, $"filter.{name} must be a non-empty array of filters.");
    }

    [Fact]
    public void Parse_ErrorDeepInTheTree_MessageNamesItsPath()
    {
        // Arrange
        var json = $$$"""
            {"and": [
              {"includes": {{{Leaf}}}},
              {"or": [{"includes": {{{Leaf}}}}, {"excludes": {{{Leaf}}}}, {"and": [{"includes": {"partner": "amplitude"}}]}]}
            ]}
            """;

        // Act
        var result = SegmentFilterJson.Parse(SegmentTestData.Json(json));

        // Assert
        AssertInvalid(result, "filter.and[1].or[2].and[0].includes must be an object with string \"partner\" and \"cohort_id\".");
    }

    [Theory]
    [InlineData("""{"or": [{"includes": {"partner": "amplitude", "cohort_id": "a"}}, {"nope": 1}]}""", "filter.or[1]: unknown operator \"nope\"; use \"includes\", \"excludes\", \"and\" or \"or\".")]
    [InlineData("""{"or": [{"includes": {"partner": "amplitude", "cohort_id": "a"}}, []]}""", "filter.or[1] must be an object with one of \"includes\", \"excludes\", \"and\", \"or\".")]
    [InlineData("""{"and": [{}]}""", "filter.and[0] must have exactly one of \"includes\", \"excludes\", \"and\", \"or\".")]
    [InlineData("""{"and": [{"or": []}]}""", "filter.and[0].or must be a non-empty array of filters.")]
    public void Parse_NestedErrors_MessageNamesThePath(string json, string expected)
    {
        // Act
        var result = SegmentFilterJson.Parse(SegmentTestData.Json(json));

        // Assert
        AssertInvalid(result, expected);
    }

    [Theory]
    [InlineData("and")]
    [InlineData("or")]
    public void Parse_DepthEight_Accepted(string combinator)
    {
        // Act: seven combinations around a condition are eight levels.
        var result = SegmentFilterJson.Parse(SegmentTestData.Json(Nested(combinator, levels: 8)));

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
        Assert.Equal(SegmentFilterJson.MaxDepth, result.Value!.Depth);
    }

    [Theory]
    [InlineData("and")]
    [InlineData("or")]
    public void Parse_DepthNine_InvalidNamingWhereItGoesTooDeep(string combinator)
    {
        // Act
        var result = SegmentFilterJson.Parse(SegmentTestData.Json(Nested(combinator, levels: 9)));

        // Assert
        var path = "filter" + string.Concat(Enumerable.Repeat($".{combinator}[0]", 8));
        AssertInvalid(result, $"{path}: filter is nested deeper than 8 levels.");
    }

    [Fact]
    public void Parse_DepthNineOnlyInOneBranch_Invalid()
    {
        // Arrange: a shallow first branch, and a second one that goes a level too deep.
        var json = $$"""{"or": [{"includes": {{Leaf}}}, {{Nested("and", levels: 8)}}]}""";

        // Act
        var result = SegmentFilterJson.Parse(SegmentTestData.Json(json));

        // Assert
        Assert.Equal(FailureKind.Invalid, result.Failure?.Kind);
        Assert.StartsWith("filter.or[1].and[0]", result.Failure!.Message, StringComparison.Ordinal);
        Assert.Contains("nested deeper than 8 levels", result.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_FiftyConditions_Accepted()
    {
        // Act
        var result = SegmentFilterJson.Parse(SegmentTestData.Json(Conditions(50)));

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
        Assert.Equal(50, result.Value!.Cohorts().Count());
    }

    [Fact]
    public void Parse_FiftyOneConditions_InvalidCountingThem()
    {
        // Act
        var result = SegmentFilterJson.Parse(SegmentTestData.Json(Conditions(51)));

        // Assert
        AssertInvalid(result, "filter has 51 cohort conditions; at most 50 are allowed.");
    }

    [Fact]
    public void Parse_FiftyOneConditionsSpreadOverBranches_Invalid()
    {
        // Arrange: 17 + 17 + 17 conditions in three nested groups; each group alone would pass.
        var group = Conditions(17);
        var json = $$"""{"and": [{{group}}, {"or": [{{group}}, {{group}}]}]}""";

        // Act
        var result = SegmentFilterJson.Parse(SegmentTestData.Json(json));

        // Assert
        AssertInvalid(result, "filter has 51 cohort conditions; at most 50 are allowed.");
    }

    [Fact]
    public void ToJson_Tree_WritesTheFilterLanguage()
    {
        // Arrange
        SegmentFilter filter = new AndFilter([
            new IncludesFilter(new CohortRef("amplitude", "a")),
            new OrFilter([new ExcludesFilter(new CohortRef("mixpanel", "b"))]),
        ]);

        // Act
        var json = SegmentFilterJson.ToJson(filter).ToJsonString();

        // Assert
        Assert.Equal(
            """{"and":[{"includes":{"partner":"amplitude","cohort_id":"a"}},{"or":[{"excludes":{"partner":"mixpanel","cohort_id":"b"}}]}]}""",
            json);
    }

    [Fact]
    public void ToJsonThenParse_RandomTrees_RoundTripUnchanged()
    {
        // Arrange
        var random = new Random(4711);
        CohortRef[] cohorts = [new("amplitude", "a"), new("amplitude", "b b"), new("mixpanel", "ü/\"x\""), new("mixpanel", "~1")];
        var checkedTrees = 0;

        for (var i = 0; i < 300; i++)
        {
            var filter = SegmentTestData.RandomFilter(random, cohorts, maxDepth: 5);
            if (filter.Cohorts().Count() > SegmentFilterJson.MaxLeaves)
            {
                continue;
            }

            var json = SegmentFilterJson.ToJson(filter).ToJsonString();

            // Act
            var parsed = SegmentFilterJson.Parse(SegmentTestData.Json(json));

            // Assert
            Assert.True(parsed.IsSuccess, $"{json}: {parsed.Failure?.Message}");
            Assert.Equal(json, SegmentFilterJson.ToJson(parsed.Value!).ToJsonString());
            Assert.Equal(filter.Depth, parsed.Value!.Depth);
            Assert.Equal(filter.Cohorts(), parsed.Value.Cohorts());
            checkedTrees++;
        }

        Assert.True(checkedTrees > 200, $"only {checkedTrees} trees were small enough to check");
    }

    [Fact]
    public void ToJson_DeepestAcceptedFilter_ParsesBack()
    {
        // Arrange
        var parsed = SegmentFilterJson.Parse(SegmentTestData.Json(Nested("or", levels: 8))).Value!;

        // Act
        var again = SegmentFilterJson.Parse(SegmentTestData.Json(SegmentFilterJson.ToJson(parsed).ToJsonString()));

        // Assert
        Assert.True(again.IsSuccess);
        Assert.Equal(8, again.Value!.Depth);
    }

    private static void AssertInvalid(Result<SegmentFilter> result, string message)
    {
        Assert.False(result.IsSuccess);
        Assert.Equal(FailureKind.Invalid, result.Failure!.Kind);
        Assert.Equal(message, result.Failure.Message);
    }

    /// <summary><paramref name="levels"/> levels: combinations of one child each around an <c>includes</c>.</summary>
    private static string Nested(string combinator, int levels)
    {
        JsonNode node = new JsonObject { ["includes"] = new JsonObject { ["partner"] = "amplitude", ["cohort_id"] = "deep" } };
        for (var level = 1; level < levels; level++)
        {
            node = new JsonObject { [combinator] = new JsonArray(node) };
        }

        return node.ToJsonString();
    }

    /// <summary>An <c>or</c> of <paramref name="count"/> conditions.</summary>
    private static string Conditions(int count) =>
        new JsonObject
        {
            ["or"] = new JsonArray([.. Enumerable.Range(0, count).Select(i => (JsonNode)new JsonObject
            {
                [i % 2 == 0 ? "includes" : "excludes"] = new JsonObject { ["partner"] = "amplitude", ["cohort_id"] = $"c{i}" },
            })]),
        }.ToJsonString();
}

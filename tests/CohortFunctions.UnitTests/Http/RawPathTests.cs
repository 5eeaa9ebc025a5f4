using CohortFunctions.App.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace CohortFunctions.UnitTests.Http;

public sealed class RawPathTests
{
    [Theory]
    [InlineData("/m/w/cohorts/amplitude/a%2Fb/members", "a/b")]
    [InlineData("/m/w/cohorts/amplitude/a%252Fb/members", "a%2Fb")]
    [InlineData("/m/w/cohorts/amplitude/%C3%A9%20x%2B1/members?limit=5", "é x+1")]
    public void Segment_ClientsOwnTarget_DecodedExactly(string target, string expected)
    {
        // Arrange
        var request = RequestWithTarget(target);

        // Act
        var segment = RawPath.Segment(request, 4, routeValue: "ignored");

        // Assert
        Assert.Equal(expected, segment);
    }

    [Theory]
    [InlineData("a%2Fb", "a/b")]
    [InlineData("a%2fb", "a/b")]
    [InlineData("100% é+x", "100% é+x")]
    public void Segment_ForwardedByTheFunctionsHost_RouteValueWithEscapedSlashesAsSlashes(string routeValue, string expected)
    {
        // Arrange: the host's re-encoded target says nothing the route value does not.
        var request = RequestWithTarget("/m/w/cohorts/amplitude/a%252Fb/members");
        RawPath.MarkForwardedByHost(request.HttpContext);

        // Act
        var segment = RawPath.Segment(request, 4, routeValue);

        // Assert
        Assert.Equal(expected, segment);
    }

    private static HttpRequest RequestWithTarget(string target)
    {
        var context = new DefaultHttpContext();
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = target;
        return context.Request;
    }
}

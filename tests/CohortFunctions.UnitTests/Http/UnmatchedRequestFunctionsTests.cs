using CohortFunctions.App.Functions;
using CohortFunctions.App.Http;
using Microsoft.AspNetCore.Http;

namespace CohortFunctions.UnitTests.Http;

public sealed class UnmatchedRequestFunctionsTests
{
    [Theory]
    [InlineData("GET", "/")]
    [InlineData("GET", "/nothing-here")]
    [InlineData("POST", "/manage/workspaces/acme")]
    [InlineData("GET", "/manage/workspaces/acme/partners/amplitude/keys/k1/extra")]
    public void Answer_UnknownPath_404WithMessage(string method, string path)
    {
        // Act
        var result = Invoke(method, path);

        // Assert
        Assert.Equal(StatusCodes.Status404NotFound, result.StatusCode);
        Assert.False(string.IsNullOrEmpty(Assert.IsType<ErrorBody>(result.Body).Message));
        Assert.False(result.Headers.ContainsKey("Allow"));
    }

    [Theory]
    [InlineData("DELETE", "/health", "GET")]
    [InlineData("HEAD", "/health", "GET")]
    [InlineData("PUT", "/manage/workspaces/acme/partners/amplitude/keys", "GET, POST")]
    [InlineData("PATCH", "/manage/workspaces/acme/partners/amplitude/keys/0123456789abcdef", "DELETE")]
    [InlineData("POST", "/manage/workspaces/acme/users/lookup", "DELETE, GET")]
    [InlineData("GET", "/manage/workspaces/acme/users/0123456789abcdef0123", "DELETE")]
    public void Answer_KnownPathWrongMethod_405WithAllow(string method, string path, string allow)
    {
        // Act
        var result = Invoke(method, path);

        // Assert
        Assert.Equal(StatusCodes.Status405MethodNotAllowed, result.StatusCode);
        Assert.Equal(allow, result.Headers["Allow"]);
        Assert.Contains(method, Assert.IsType<ErrorBody>(result.Body).Message, StringComparison.Ordinal);
    }

    private static ApiResult Invoke(string method, string path)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        return UnmatchedRequestFunctions.Answer(context.Request);
    }
}

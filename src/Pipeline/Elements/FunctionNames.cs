namespace Pipeline;

/// <summary>Names user functions for the plan: the method name, or <c>lambda</c> for an anonymous function.</summary>
static class FunctionNames
{
    internal static string Of(Delegate function)
    {
        var name = function.Method.Name;
        if (!name.Contains('<')) return name;
        // Local functions compile to "<Outer>g__Name|0_0"; lambdas to "<Outer>b__0_0".
        var g = name.IndexOf(">g__", StringComparison.Ordinal);
        if (g >= 0)
        {
            var start = g + 4;
            var end = name.IndexOf('|', start);
            return end > start ? name[start..end] : name[start..];
        }
        return "lambda";
    }
}

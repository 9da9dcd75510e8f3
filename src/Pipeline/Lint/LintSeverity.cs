namespace Pipeline;

/// <summary>How much a <see cref="LintFinding"/> matters.</summary>
public enum LintSeverity
{
    /// <summary>Likely a performance tip: the pipeline is correct but slower than it could be.</summary>
    Info,
    /// <summary>The pipeline probably does not do what was meant (wrong randomness, blurred epochs) or wastes most of its work.</summary>
    Warning,
}

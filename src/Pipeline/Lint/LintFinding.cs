namespace Pipeline;

/// <summary>One problem <c>dataset.Lint()</c> found in a plan.</summary>
/// <param name="RuleId">Stable identifier (<c>PL001</c>...), see <see cref="LintRules"/> and docs/pipeline-lint.md.</param>
/// <param name="Severity">How much it matters.</param>
/// <param name="Message">What is wrong, naming the steps.</param>
/// <param name="Fix">How to change the pipeline.</param>
/// <param name="Step">The step the finding is about.</param>
/// <param name="StepIndex">Its index in the plan it belongs to (the dataset's <c>Plan</c>, or a branch's for Zip and friends).</param>
public sealed record LintFinding(string RuleId, LintSeverity Severity, string Message, string Fix, PlanStep Step, int StepIndex)
{
    /// <summary>Prints the finding as <c>PL001 warning at step 3 Shuffle(100): message Fix: fix</c>.</summary>
    public override string ToString() => $"{RuleId} {Severity.ToString().ToLowerInvariant()} at step {StepIndex} {Step}: {Message} Fix: {Fix}";
}

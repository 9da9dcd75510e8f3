namespace Pipeline;

public static partial class Dataset
{
    /// <summary><c>tf.data.Dataset.range(stop)</c>: 0, 1, ..., <paramref name="stop"/> - 1 as <see cref="long"/>.</summary>
    public static Dataset<long> Range(long stop) => Range(0, stop, 1);

    /// <summary><c>tf.data.Dataset.range(start, stop, step)</c>: like Python's <c>range</c>; <paramref name="step"/> may be negative but not 0.</summary>
    public static Dataset<long> Range(long start, long stop, long step = 1)
    {
        if (step == 0) throw new ArgumentOutOfRangeException(nameof(step), step, "Range: step must not be 0.");
        var count = step > 0 ? (stop > start ? (stop - start + step - 1) / step : 0) : (start > stop ? (start - stop - step - 1) / -step : 0);
        var plan = new PlanStep("Range", StepKind.Source);
        if (start != 0 || step != 1) plan.With("start", start, positional: true);
        plan.With("stop", stop, positional: true);
        if (step != 1) plan.With("step", step, positional: true);
        return new SlicesDataset<long>(plan, count, i => start + i * step);
    }
}

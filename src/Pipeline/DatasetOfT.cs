using System.Collections;

namespace Pipeline;

/// <summary>
/// A lazy, re-iterable sequence of elements with tf.data's semantics: <c>tf.data.Dataset</c> for .NET.
/// </summary>
/// <typeparam name="T">
/// The element type: a <c>torch.Tensor</c>, a tuple of them such as <c>(Tensor features, Tensor labels)</c>, a
/// dictionary of named tensors, a .NET scalar, or any type of yours.
/// </typeparam>
/// <remarks>
/// <para><b>Design.</b> A dataset is an immutable description: building one (<c>Map</c>, <c>Shuffle</c>, ...) runs
/// nothing. Each <c>foreach</c> (or <c>await foreach</c>) is a new epoch that walks the chain from this
/// dataset back to its source: every step pulls from its input through <see cref="Read(IterationContext)"/>.
/// Steps that work in the background (<c>Prefetch</c>, parallel <c>Map</c>, parallel <c>Interleave</c>) stop their
/// threads when the enumerator is disposed, which <c>foreach</c> does even on <c>break</c> or exceptions.</para>
/// <para><b>Ownership</b> (one rule for every element structure). Every element a dataset yields belongs to the
/// receiver, who disposes it (or moves it into a <c>torch.NewDisposeScope()</c>). A step that consumes an element
/// passes each of its tensors on (reference-equal) in its output or disposes it, component by component: tuples,
/// dictionaries and <see cref="IElementStructure"/> types such as parsed Examples are walked, so a container never takes
/// the components you returned with it (<c>parsed.Map(p =&gt; (p["image"], p["label"]))</c> keeps the two tensors and
/// frees the rest). Steps dispose anything they buffered when an iteration ends early. Sources such as
/// <c>FromTensorSlices</c> do not own the tensors they were given; keep those alive while iterating. Elements arrive
/// outside any dispose scope, even when the step that made them ran on the consumer's thread inside one; functions
/// given to <c>Map</c>, <c>Filter</c> and <c>Batch</c> run in a scope of their own, so their temporaries are freed
/// when they return.</para>
/// <para><b>Element structures.</b> <c>Batch</c>, <c>PaddedBatch</c>, <c>Unbatch</c> and <c>Cache</c> treat an element
/// as tf.data treats a nested structure: a tensor, a tuple of structures, a <c>Dictionary&lt;string, Tensor&gt;</c>, or a
/// type implementing <see cref="IElementStructure{TSelf}"/> (parsed Examples are). Scalars batch into 1-D tensors
/// (<c>Dataset&lt;long&gt;</c>, <c>Dataset&lt;(float, long)&gt;</c> as <c>FromTensorSlices(float[], long[])</c> yields,
/// and <c>(Tensor, long)</c> pairs).</para>
/// <para><b>Consuming.</b> <c>foreach</c>, LINQ, <c>WithCancellation(token)</c> for a cancellable iteration, and
/// <c>await foreach</c> (or <see cref="AsAsyncEnumerable"/>). An exception in a user function surfaces on the
/// consuming thread as a <see cref="DatasetException"/> naming the step and the element index.</para>
/// <para><b>Inspecting.</b> <see cref="Plan"/> is the list of typed steps from the source to here and
/// <see cref="ToString"/> prints it (<c>Range(10) -> Map(Square) -> Batch(4)</c>); <c>Lint()</c> checks it against
/// tf.data's performance guide.</para>
/// <para><b>Writing a source.</b> Derive from <see cref="Dataset{T}"/>, return your <see cref="PlanStep"/> (kind
/// <see cref="StepKind.Source"/>) from <see cref="Step"/>, yield elements from <see cref="Iterate"/> (a C# iterator
/// method is fine; check <see cref="IterationContext.CancellationToken"/> between elements and release files in
/// <c>finally</c>), and override <see cref="Cardinality"/> when the size is known without reading everything. Tensors
/// your source creates should be yielded with <c>tensor.DetachFromDisposeScope()</c>, so they do not join a dispose
/// scope the consumer happens to have open.
/// Every transformation then works on it:</para>
/// <code>
/// public sealed class TFRecordDataset(IReadOnlyList&lt;string&gt; files) : Dataset&lt;byte[]&gt;
/// {
///     public override PlanStep Step =&gt; new PlanStep("TFRecordDataset", StepKind.Source).With("files", files.Count, positional: true);
///     protected override IEnumerable&lt;byte[]&gt; Iterate(IterationContext context)
///     {
///         foreach (var file in files)
///             foreach (var record in ReadRecords(file, context.CancellationToken))
///                 yield return record;
///     }
/// }
/// </code>
/// <para>A transformation of your own does the same with its input listed in <see cref="Inputs"/> and read through
/// <c>input.Read(context)</c>; most needs are met by <c>Map</c>, <c>FlatMap</c> or <c>Apply</c> instead.</para>
/// </remarks>
public abstract class Dataset<T> : IDataset, IEnumerable<T>
{
    IReadOnlyList<PlanStep>? _plan;

    /// <summary>The step this dataset adds to its input's plan (for a source: the whole plan).</summary>
    public abstract PlanStep Step { get; }

    /// <summary>The datasets this one reads; empty for a source. The first is the one <see cref="Plan"/> follows.</summary>
    public virtual IReadOnlyList<IDataset> Inputs => [];

    /// <summary>The options set on this dataset or on its main input chain, or null when none were set.</summary>
    public virtual DatasetOptions? Options => Inputs.Count > 0 ? Inputs[0].Options : null;

    /// <summary>The steps from the source to this dataset, in execution order.</summary>
    public IReadOnlyList<PlanStep> Plan => _plan ??= BuildPlan();

    /// <summary><c>typeof(T)</c>.</summary>
    public Type ElementType => typeof(T);

    /// <summary>
    /// The structure, dtypes and shapes of the elements (<c>dataset.element_spec</c>), with unknown dimensions as
    /// TensorFlow prints them: <c>TensorSpec(shape=(None, 32, 32, 3), dtype=tf.float32, name=None)</c> after
    /// <c>Batch(64)</c>. Found without reading data where the steps allow (sources of in-memory tensors, scalars, Batch,
    /// PaddedBatch, Unbatch, steps that pass elements on, and Map, whose function is called on zeros of its input's
    /// spec); otherwise the first element is computed and its shapes reported as they are.
    /// </summary>
    /// <exception cref="InvalidOperationException">The spec needs an element and the dataset is empty.</exception>
    public ElementSpec ElementSpec => InferElementSpec() ?? ObserveElementSpec();

    /// <summary>The spec found from the plan alone, or null when an element must be observed.</summary>
    internal virtual ElementSpec? InferElementSpec() => ElementSpecs.FromType(typeof(T));

    ElementSpec ObserveElementSpec()
    {
        foreach (var x in this)
        {
            try
            {
                return ElementSpecs.Of(x, typeof(T));
            }
            finally
            {
                Elements.Dispose(x);
            }
        }
        throw new InvalidOperationException($"ElementSpec: {this} yields no element, and its element spec cannot be found without one.");
    }

    /// <summary>
    /// The number of elements one iteration yields, <see cref="Dataset.InfiniteCardinality"/> (e.g. after
    /// <c>Repeat()</c>) or <see cref="Dataset.UnknownCardinality"/> (e.g. after <c>Filter</c>); never iterates.
    /// </summary>
    public virtual long Cardinality() => Dataset.UnknownCardinality;

    /// <summary>
    /// Yields this dataset's elements for one iteration. Implement it in a source or transformation; consumers call
    /// <see cref="Read(IterationContext)"/>, <c>foreach</c> or <c>await foreach</c> instead.
    /// </summary>
    /// <param name="context">Cancellation and options of the current iteration; pass it to your inputs.</param>
    protected abstract IEnumerable<T> Iterate(IterationContext context);

    /// <summary>
    /// Async form of <see cref="Iterate"/>. The default runs <see cref="Iterate"/> on the caller's thread; steps that
    /// produce in the background (<c>Prefetch</c>) override it so that <c>await foreach</c> waits without blocking.
    /// </summary>
    protected virtual IAsyncEnumerable<T> IterateAsync(IterationContext context) => new SynchronousAsyncEnumerable<T>(Iterate(context));

    /// <summary>One iteration under <paramref name="context"/>: how a step reads its input.</summary>
    public IEnumerable<T> Read(IterationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Iterate(context);
    }

    /// <summary>
    /// One iteration that stops with <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> is
    /// cancelled: <c>foreach (var x in dataset.WithCancellation(token))</c>, the synchronous twin of
    /// <c>await foreach (var x in dataset.AsAsyncEnumerable().WithCancellation(token))</c>. (Not to be confused with
    /// <c>dataset.Enumerate()</c>, tf.data's <c>enumerate</c>, which pairs elements with their index.)
    /// </summary>
    public IEnumerable<T> WithCancellation(CancellationToken cancellationToken) =>
        Iterate(new IterationContext(cancellationToken, Options));

    /// <summary>Async form of <see cref="Read(IterationContext)"/>.</summary>
    public IAsyncEnumerable<T> ReadAsync(IterationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return IterateAsync(context);
    }

    /// <summary>Starts a new iteration (epoch).</summary>
    public IEnumerator<T> GetEnumerator() => WithCancellation(CancellationToken.None).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// Starts a new iteration (epoch) for <c>await foreach</c> (found by pattern, so
    /// <c>await foreach (var x in dataset.AsAsyncEnumerable().WithCancellation(token))</c> passes a token).
    /// </summary>
    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        IterateAsync(new IterationContext(cancellationToken, Options)).GetAsyncEnumerator(cancellationToken);

    /// <summary>
    /// This dataset as an <see cref="IAsyncEnumerable{T}"/>, each enumeration a new epoch. A dataset does not
    /// implement that interface itself: since .NET 10, LINQ's <c>Select</c>/<c>Where</c> would be ambiguous on a type
    /// implementing both <see cref="IEnumerable{T}"/> and <see cref="IAsyncEnumerable{T}"/>.
    /// </summary>
    public IAsyncEnumerable<T> AsAsyncEnumerable() => new AsyncView(this);

    sealed class AsyncView(Dataset<T> dataset) : IAsyncEnumerable<T>
    {
        public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default) => dataset.GetAsyncEnumerator(cancellationToken);
    }

    /// <summary>
    /// Checks the plan against tf.data's ordering advice and returns one finding per mistake (empty when none), each
    /// with a stable rule ID from <see cref="LintRules"/> and a fix. In a unit test: <c>Assert.Empty(dataset.Lint())</c>.
    /// </summary>
    public IReadOnlyList<LintFinding> Lint() => Linter.Check(this);

    /// <summary>The plan, e.g. <c>TFRecordDataset -> Map(parse, numParallelCalls=AUTOTUNE) -> Batch(64) -> Prefetch(AUTOTUNE)</c>.</summary>
    public override string ToString() => string.Join(" -> ", Plan);

    IReadOnlyList<PlanStep> BuildPlan()
    {
        var steps = new List<PlanStep>();
        IDataset? d = this;
        while (d is not null)
        {
            steps.Add(d.Step);
            d = d.Inputs.Count > 0 ? d.Inputs[0] : null;
        }
        steps.Reverse();
        return steps;
    }
}

namespace Pipeline.Models.Saving;

/// <summary>
/// Registers a layer, model, initializer, regularizer or loss class for saving and loading, like Keras's
/// <c>@keras.saving.register_keras_serializable(package="Custom")</c>. A <c>.keras</c> file then names the class
/// <c>"package&gt;name"</c> and <c>Models.LoadModel</c> finds it without further set-up.
/// </summary>
/// <remarks>
/// <para>Loading builds the object from its config (what its <c>GetConfig()</c> returned): with a public static
/// <c>FromConfig(Dictionary&lt;string, object?&gt; config)</c> method when the class declares one (Keras's
/// <c>from_config</c>), otherwise with the public constructor whose parameter names are the config's keys in camelCase
/// (<c>units</c> to <c>units</c>, <c>use_bias</c> to <c>useBias</c>), which is what Keras's default
/// <c>cls(**config)</c> does.</para>
/// </remarks>
/// <example>
/// <code>
/// [KerasSerializable(package: "MyLayers")]
/// public sealed class Scale(double factor, string? name = null) : Layer(name)
/// {
///     public double Factor { get; } = factor;
///     public override Tensor Call(Tensor inputs, bool training = false) => inputs * Factor;
///     public override Dictionary&lt;string, object?&gt; GetConfig()
///     {
///         var config = base.GetConfig();
///         config["factor"] = Factor;
///         return config;
///     }
/// }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class KerasSerializableAttribute : Attribute
{
    /// <summary>Registers the class under <c>package&gt;name</c>.</summary>
    /// <param name="package">The package part of the registered name ("Custom" as in Keras).</param>
    /// <param name="name">The class part; null uses the class's own name.</param>
    public KerasSerializableAttribute(string package = "Custom", string? name = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(package);
        if (package.Contains('>')) throw new ArgumentException("A package name must not contain '>'.", nameof(package));
        Package = package;
        Name = name;
    }

    /// <summary>The package part of the registered name.</summary>
    public string Package { get; }

    /// <summary>The class part of the registered name, or null for the class's own name.</summary>
    public string? Name { get; }
}

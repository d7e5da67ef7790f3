namespace ServerPower.Sandbox.Tests.Kubernetes;

/// <summary>A CRD of our own (independent of the project's crds/): status subresource, printer columns, validation.</summary>
public static class TestCrd
{
    public const string Group = "sandbox.test.io";
    public const string Plural = "widgets";
    public const string ApiVersion = "sandbox.test.io/v1";

    public const string Yaml = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.sandbox.test.io
        spec:
          group: sandbox.test.io
          scope: Namespaced
          names:
            kind: Widget
            listKind: WidgetList
            plural: widgets
            singular: widget
            shortNames: [wdg]
            categories: [testing]
          versions:
          - name: v1
            served: true
            storage: true
            subresources:
              status: {}
            additionalPrinterColumns:
            - name: State
              type: string
              jsonPath: .spec.state
            - name: Ready
              type: string
              jsonPath: .status.conditions[?(@.type=="Ready")].status
            - name: Node
              type: string
              priority: 1
              jsonPath: .spec.node
            - name: Age
              type: date
              jsonPath: .metadata.creationTimestamp
            schema:
              openAPIV3Schema:
                description: A Widget is a test resource of the sandbox emulator.
                type: object
                properties:
                  spec:
                    description: WidgetSpec is the desired state of a Widget.
                    type: object
                    required: [serverId]
                    properties:
                      serverId:
                        description: The provider's id for the server.
                        type: string
                        pattern: '^[a-z0-9-]+$'
                        maxLength: 20
                      state:
                        description: Desired power state.
                        type: string
                        enum: [Running, Stopped]
                        default: Running
                      replicas:
                        type: integer
                        minimum: 0
                        maximum: 10
                      node:
                        type: string
                      tags:
                        type: array
                        maxItems: 2
                        items:
                          type: string
                    x-kubernetes-validations:
                    - rule: "self.state != 'Stopped' || has(self.node)"
                      message: a stopped widget needs a node
                  status:
                    type: object
                    properties:
                      observedGeneration:
                        type: integer
                      phase:
                        type: string
                      conditions:
                        type: array
                        items:
                          type: object
                          required: [type, status]
                          properties:
                            type:
                              type: string
                            status:
                              type: string
                              enum: ["True", "False", "Unknown"]
                            reason:
                              type: string
        """;

    public static string Widget(string name, string serverId = "srv-1", string? state = null, string ns = "default", string extraSpec = "") => $"""
        apiVersion: sandbox.test.io/v1
        kind: Widget
        metadata:
          name: {name}
          namespace: {ns}
          labels:
            app: demo
        spec:
          serverId: {serverId}
        {(state is null ? "" : $"  state: {state}\n")}{extraSpec}
        """;
}

"""Small BPMN files for tests: a 发文 flow without 核稿 and 会签, and ways to spoil it."""

from __future__ import annotations

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:wenshu="urn:wenshu:bpmn:1.0" id="defs" targetNamespace="urn:test">\n'
)

# 拟稿 → 签发 (may return to 拟稿) → 用印 → 分发: what a small unit might use.
FAWEN_SHORT = (
    HEAD
    + """
  <bpmn:process id="fawen_short" name="发文办理（简化）" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:exclusiveGateway id="to_draft"/>
    <bpmn:userTask id="draft" name="拟稿" wenshu:assigneeKey="drafter"/>
    <bpmn:userTask id="sign" name="签发" wenshu:assigneeKey="signer"
                   wenshu:candidateRole="unit_leader" wenshu:decisions="approve,return"/>
    <bpmn:exclusiveGateway id="sign_gw" default="f_seal"/>
    <bpmn:userTask id="seal" name="用印" wenshu:assigneeKey="custodians"
                   wenshu:candidateRole="seal_custodian"/>
    <bpmn:userTask id="dispatch" name="分发" wenshu:candidateRole="clerk" wenshu:dueDays="2"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="to_draft"/>
    <bpmn:sequenceFlow id="f1" sourceRef="to_draft" targetRef="draft"/>
    <bpmn:sequenceFlow id="f2" sourceRef="draft" targetRef="sign"/>
    <bpmn:sequenceFlow id="f3" sourceRef="sign" targetRef="sign_gw"/>
    <bpmn:sequenceFlow id="f_back" sourceRef="sign_gw" targetRef="to_draft">
      <bpmn:conditionExpression>decision == "return"</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_seal" sourceRef="sign_gw" targetRef="seal"/>
    <bpmn:sequenceFlow id="f5" sourceRef="seal" targetRef="dispatch"/>
    <bpmn:sequenceFlow id="f6" sourceRef="dispatch" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
"""
)

# The same without 用印: the documents layer cannot seal, so it must be refused.
FAWEN_WITHOUT_SEAL = (
    FAWEN_SHORT.replace(
        '<bpmn:userTask id="seal" name="用印" wenshu:assigneeKey="custodians"\n'
        '                   wenshu:candidateRole="seal_custodian"/>',
        "",
    )
    .replace('sourceRef="sign_gw" targetRef="seal"', 'sourceRef="sign_gw" targetRef="dispatch"')
    .replace('<bpmn:sequenceFlow id="f5" sourceRef="seal" targetRef="dispatch"/>', "")
)

WITH_SCRIPT = FAWEN_SHORT.replace(
    '<bpmn:endEvent id="end"/>',
    '<bpmn:scriptTask id="evil" name="脚本"><bpmn:script>import os</bpmn:script></bpmn:scriptTask>'
    '<bpmn:endEvent id="end"/>',
)

WITH_UNSAFE_CONDITION = FAWEN_SHORT.replace('decision == "return"', '__import__("os").system("id")')

WITHOUT_ASSIGNEE = FAWEN_SHORT.replace(' wenshu:candidateRole="clerk" wenshu:dueDays="2"', "")

XXE = (
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&x;</bpmn:definitions>'
)

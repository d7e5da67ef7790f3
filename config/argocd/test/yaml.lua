-- A reader for the small YAML subset the health-check fixtures use (Argo CD's tests read them with a full YAML
-- parser; lua5.4 has none): block mappings and sequences by indentation, "- key: value" items, plain, quoted
-- and numeric/boolean scalars, [] / {} and flow lists of scalars. Anything else is an error, never a guess.
local M = {}

local function fail(line, why)
  error(string.format("yaml: line %d: %s: %s", line.number, why, line.text), 0)
end

local function unquote_double(s, line)
  local inner = s:match('^"(.*)"$')
  if inner == nil then fail(line, "unterminated double-quoted string") end
  local escapes = { n = "\n", t = "\t", ['"'] = '"', ["\\"] = "\\", ["/"] = "/" }
  return (inner:gsub("\\(.)", function(c)
    local r = escapes[c]
    if r == nil then fail(line, "unsupported escape \\" .. c) end
    return r
  end))
end

local function scalar(s, line)
  if s == "" or s == "null" or s == "~" then return nil end
  local first = s:sub(1, 1)
  if first == '"' then return unquote_double(s, line) end
  if first == "'" then
    local inner = s:match("^'(.*)'$")
    if inner == nil then fail(line, "unterminated single-quoted string") end
    return (inner:gsub("''", "'"))
  end
  if s == "[]" or s == "{}" then return {} end
  if first == "[" then
    local inner = s:match("^%[(.*)%]$")
    if inner == nil then fail(line, "unsupported flow sequence") end
    local items = {}
    for item in inner:gmatch("[^,]+") do
      items[#items + 1] = scalar(item:match("^%s*(.-)%s*$"), line)
    end
    return items
  end
  if first == "{" or first == "&" or first == "*" or first == "|" or first == ">" or first == "!" then
    fail(line, "unsupported YAML feature")
  end
  if s == "true" then return true end
  if s == "false" then return false end
  if s:match("^-?%d+$") or s:match("^-?%d+%.%d+$") then return tonumber(s) end
  return s
end

local function is_item(text) return text == "-" or text:sub(1, 2) == "- " end

local function split_key(text)
  local key, rest = text:match("^([%w%._/%-]+):%s+(.*)$")
  if key ~= nil then return key, rest end
  key = text:match("^([%w%._/%-]+):$")
  if key ~= nil then return key, "" end
  return nil
end

local block

local function sequence(lines, i, indent)
  local list = {}
  while i <= #lines and lines[i].indent == indent and is_item(lines[i].text) do
    local line = lines[i]
    local rest = line.text:sub(3)
    local value
    if rest == "" then
      i = i + 1
      if i > #lines or lines[i].indent <= indent then fail(line, "empty sequence item") end
      value, i = block(lines, i, lines[i].indent)
    elseif split_key(rest) ~= nil or is_item(rest) then
      -- "- key: value": the item is a mapping (or nested sequence) whose first line starts after "- ".
      lines[i] = { number = line.number, indent = indent + 2, text = rest }
      value, i = block(lines, i, indent + 2)
    else
      value = scalar(rest, line)
      i = i + 1
    end
    list[#list + 1] = value
  end
  return list, i
end

local function mapping(lines, i, indent)
  local map = {}
  while i <= #lines and lines[i].indent == indent and not is_item(lines[i].text) do
    local line = lines[i]
    local key, rest = split_key(line.text)
    if key == nil then fail(line, "expected 'key: value'") end
    i = i + 1
    if rest == "" then
      if i <= #lines and (lines[i].indent > indent or (lines[i].indent == indent and is_item(lines[i].text))) then
        map[key], i = block(lines, i, lines[i].indent)
      end
    else
      map[key] = scalar(rest, line)
    end
  end
  return map, i
end

block = function(lines, i, indent)
  local value
  if is_item(lines[i].text) then
    value, i = sequence(lines, i, indent)
  else
    value, i = mapping(lines, i, indent)
  end
  if i <= #lines and lines[i].indent > indent then fail(lines[i], "unexpected indentation") end
  return value, i
end

--- Parses one YAML document (text) into Lua tables.
function M.parse(text)
  local lines = {}
  local number = 0
  for raw in (text .. "\n"):gmatch("(.-)\r?\n") do
    number = number + 1
    local spaces, content = raw:match("^( *)(.-)%s*$")
    if raw:find("\t") then error(string.format("yaml: line %d: tabs are not allowed", number), 0) end
    if content ~= "" and content:sub(1, 1) ~= "#" and content ~= "---" then
      lines[#lines + 1] = { number = number, indent = #spaces, text = content }
    end
  end
  if #lines == 0 then return nil end
  local value, i = block(lines, 1, lines[1].indent)
  if i <= #lines then fail(lines[i], "unexpected content") end
  return value
end

function M.load(path)
  local file, err = io.open(path, "r")
  if file == nil then error(err, 0) end
  local text = file:read("a")
  file:close()
  local ok, result = pcall(M.parse, text)
  if not ok then error(path .. ": " .. result, 0) end
  return result
end

return M

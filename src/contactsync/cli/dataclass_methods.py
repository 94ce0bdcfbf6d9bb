"""Dataclass methods compiled ahead (contactsync/cli/precompiled.py). Generated: do not edit; regenerate with
python -c 'from contactsync.cli.precompiled import main; main()' when a start-up module's dataclasses change.
"""

# ruff: noqa
# mypy: ignore-errors
# fmt: off

PYTHON = [3, 11]
CODE = {}

def __create_fn__(_type_file, _type_line, _type_path, _type_message, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,file:_type_file,line:_type_line,path:_type_path,message:_type_message)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'file',file)
  __dataclass_builtins_object__.__setattr__(self,'line',line)
  __dataclass_builtins_object__.__setattr__(self,'path',path)
  __dataclass_builtins_object__.__setattr__(self,'message',message)
 return __init__
CODE["def __create_fn__(_type_file, _type_line, _type_path, _type_message, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,file:_type_file,line:_type_line,path:_type_path,message:_type_message)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'file',file)\n  __dataclass_builtins_object__.__setattr__(self,'line',line)\n  __dataclass_builtins_object__.__setattr__(self,'path',path)\n  __dataclass_builtins_object__.__setattr__(self,'message',message)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(file={self.file!r}, line={self.line!r}, path={self.path!r}, message={self.message!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(file={self.file!r}, line={self.line!r}, path={self.path!r}, message={self.message!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.file,self.line,self.path,self.message,)==(other.file,other.line,other.path,other.message,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.file,self.line,self.path,self.message,)==(other.file,other.line,other.path,other.message,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('file','line','path','message',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'file\',\'line\',\'path\',\'message\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('file','line','path','message',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'file\',\'line\',\'path\',\'message\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.file,self.line,self.path,self.message,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.file,self.line,self.path,self.message,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_per_second, _type_burst, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,per_second:_type_per_second,burst:_type_burst)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'per_second',per_second)
  __dataclass_builtins_object__.__setattr__(self,'burst',burst)
  self.__post_init__()
 return __init__
CODE["def __create_fn__(_type_per_second, _type_burst, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,per_second:_type_per_second,burst:_type_burst)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'per_second',per_second)\n  __dataclass_builtins_object__.__setattr__(self,'burst',burst)\n  self.__post_init__()\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(per_second={self.per_second!r}, burst={self.burst!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(per_second={self.per_second!r}, burst={self.burst!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.per_second,self.burst,)==(other.per_second,other.burst,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.per_second,self.burst,)==(other.per_second,other.burst,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('per_second','burst',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'per_second\',\'burst\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('per_second','burst',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'per_second\',\'burst\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.per_second,self.burst,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.per_second,self.burst,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_name, _type_build, _type_options_schema, _type_default_rate, _type_default_in_flight, _type_sign_in, _type_discover, _type_doctor, _type_preload, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_options_schema, _dflt_default_rate, _dflt_default_in_flight, _dflt_sign_in, _dflt_discover, _dflt_doctor, _dflt_preload, _return_type):
 def __init__(self,name:_type_name,build:_type_build,options_schema:_type_options_schema=_HAS_DEFAULT_FACTORY,default_rate:_type_default_rate=_dflt_default_rate,default_in_flight:_type_default_in_flight=_dflt_default_in_flight,sign_in:_type_sign_in=_dflt_sign_in,discover:_type_discover=_dflt_discover,doctor:_type_doctor=_dflt_doctor,preload:_type_preload=_dflt_preload)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'name',name)
  __dataclass_builtins_object__.__setattr__(self,'build',build)
  __dataclass_builtins_object__.__setattr__(self,'options_schema',_dflt_options_schema() if options_schema is _HAS_DEFAULT_FACTORY else options_schema)
  __dataclass_builtins_object__.__setattr__(self,'default_rate',default_rate)
  __dataclass_builtins_object__.__setattr__(self,'default_in_flight',default_in_flight)
  __dataclass_builtins_object__.__setattr__(self,'sign_in',sign_in)
  __dataclass_builtins_object__.__setattr__(self,'discover',discover)
  __dataclass_builtins_object__.__setattr__(self,'doctor',doctor)
  __dataclass_builtins_object__.__setattr__(self,'preload',preload)
 return __init__
CODE["def __create_fn__(_type_name, _type_build, _type_options_schema, _type_default_rate, _type_default_in_flight, _type_sign_in, _type_discover, _type_doctor, _type_preload, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_options_schema, _dflt_default_rate, _dflt_default_in_flight, _dflt_sign_in, _dflt_discover, _dflt_doctor, _dflt_preload, _return_type):\n def __init__(self,name:_type_name,build:_type_build,options_schema:_type_options_schema=_HAS_DEFAULT_FACTORY,default_rate:_type_default_rate=_dflt_default_rate,default_in_flight:_type_default_in_flight=_dflt_default_in_flight,sign_in:_type_sign_in=_dflt_sign_in,discover:_type_discover=_dflt_discover,doctor:_type_doctor=_dflt_doctor,preload:_type_preload=_dflt_preload)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'name',name)\n  __dataclass_builtins_object__.__setattr__(self,'build',build)\n  __dataclass_builtins_object__.__setattr__(self,'options_schema',_dflt_options_schema() if options_schema is _HAS_DEFAULT_FACTORY else options_schema)\n  __dataclass_builtins_object__.__setattr__(self,'default_rate',default_rate)\n  __dataclass_builtins_object__.__setattr__(self,'default_in_flight',default_in_flight)\n  __dataclass_builtins_object__.__setattr__(self,'sign_in',sign_in)\n  __dataclass_builtins_object__.__setattr__(self,'discover',discover)\n  __dataclass_builtins_object__.__setattr__(self,'doctor',doctor)\n  __dataclass_builtins_object__.__setattr__(self,'preload',preload)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(name={self.name!r}, build={self.build!r}, options_schema={self.options_schema!r}, default_rate={self.default_rate!r}, default_in_flight={self.default_in_flight!r}, sign_in={self.sign_in!r}, discover={self.discover!r}, doctor={self.doctor!r}, preload={self.preload!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(name={self.name!r}, build={self.build!r}, options_schema={self.options_schema!r}, default_rate={self.default_rate!r}, default_in_flight={self.default_in_flight!r}, sign_in={self.sign_in!r}, discover={self.discover!r}, doctor={self.doctor!r}, preload={self.preload!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.name,self.build,self.options_schema,self.default_rate,self.default_in_flight,self.sign_in,self.discover,self.doctor,self.preload,)==(other.name,other.build,other.options_schema,other.default_rate,other.default_in_flight,other.sign_in,other.discover,other.doctor,other.preload,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.name,self.build,self.options_schema,self.default_rate,self.default_in_flight,self.sign_in,self.discover,self.doctor,self.preload,)==(other.name,other.build,other.options_schema,other.default_rate,other.default_in_flight,other.sign_in,other.discover,other.doctor,other.preload,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('name','build','options_schema','default_rate','default_in_flight','sign_in','discover','doctor','preload',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'name\',\'build\',\'options_schema\',\'default_rate\',\'default_in_flight\',\'sign_in\',\'discover\',\'doctor\',\'preload\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('name','build','options_schema','default_rate','default_in_flight','sign_in','discover','doctor','preload',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'name\',\'build\',\'options_schema\',\'default_rate\',\'default_in_flight\',\'sign_in\',\'discover\',\'doctor\',\'preload\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.name,self.build,self.options_schema,self.default_rate,self.default_in_flight,self.sign_in,self.discover,self.doctor,self.preload,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.name,self.build,self.options_schema,self.default_rate,self.default_in_flight,self.sign_in,self.discover,self.doctor,self.preload,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_year, _type_month, _type_day, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,year:_type_year,month:_type_month,day:_type_day)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'year',year)
  __dataclass_builtins_object__.__setattr__(self,'month',month)
  __dataclass_builtins_object__.__setattr__(self,'day',day)
  self.__post_init__()
 return __init__
CODE["def __create_fn__(_type_year, _type_month, _type_day, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,year:_type_year,month:_type_month,day:_type_day)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'year',year)\n  __dataclass_builtins_object__.__setattr__(self,'month',month)\n  __dataclass_builtins_object__.__setattr__(self,'day',day)\n  self.__post_init__()\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(year={self.year!r}, month={self.month!r}, day={self.day!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(year={self.year!r}, month={self.month!r}, day={self.day!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.year,self.month,self.day,)==(other.year,other.month,other.day,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.year,self.month,self.day,)==(other.year,other.month,other.day,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('year','month','day',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'year\',\'month\',\'day\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('year','month','day',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'year\',\'month\',\'day\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.year,self.month,self.day,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.year,self.month,self.day,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_given, _type_family, _type_middle, _type_prefix, _type_suffix, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_given, _dflt_family, _dflt_middle, _dflt_prefix, _dflt_suffix, _return_type):
 def __init__(self,given:_type_given=_dflt_given,family:_type_family=_dflt_family,middle:_type_middle=_dflt_middle,prefix:_type_prefix=_dflt_prefix,suffix:_type_suffix=_dflt_suffix)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'given',given)
  __dataclass_builtins_object__.__setattr__(self,'family',family)
  __dataclass_builtins_object__.__setattr__(self,'middle',middle)
  __dataclass_builtins_object__.__setattr__(self,'prefix',prefix)
  __dataclass_builtins_object__.__setattr__(self,'suffix',suffix)
 return __init__
CODE["def __create_fn__(_type_given, _type_family, _type_middle, _type_prefix, _type_suffix, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_given, _dflt_family, _dflt_middle, _dflt_prefix, _dflt_suffix, _return_type):\n def __init__(self,given:_type_given=_dflt_given,family:_type_family=_dflt_family,middle:_type_middle=_dflt_middle,prefix:_type_prefix=_dflt_prefix,suffix:_type_suffix=_dflt_suffix)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'given',given)\n  __dataclass_builtins_object__.__setattr__(self,'family',family)\n  __dataclass_builtins_object__.__setattr__(self,'middle',middle)\n  __dataclass_builtins_object__.__setattr__(self,'prefix',prefix)\n  __dataclass_builtins_object__.__setattr__(self,'suffix',suffix)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(given={self.given!r}, family={self.family!r}, middle={self.middle!r}, prefix={self.prefix!r}, suffix={self.suffix!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(given={self.given!r}, family={self.family!r}, middle={self.middle!r}, prefix={self.prefix!r}, suffix={self.suffix!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.given,self.family,self.middle,self.prefix,self.suffix,)==(other.given,other.family,other.middle,other.prefix,other.suffix,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.given,self.family,self.middle,self.prefix,self.suffix,)==(other.given,other.family,other.middle,other.prefix,other.suffix,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('given','family','middle','prefix','suffix',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'given\',\'family\',\'middle\',\'prefix\',\'suffix\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('given','family','middle','prefix','suffix',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'given\',\'family\',\'middle\',\'prefix\',\'suffix\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.given,self.family,self.middle,self.prefix,self.suffix,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.given,self.family,self.middle,self.prefix,self.suffix,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_given, _type_middle, _type_family, _type_organization, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_given, _dflt_middle, _dflt_family, _dflt_organization, _return_type):
 def __init__(self,given:_type_given=_dflt_given,middle:_type_middle=_dflt_middle,family:_type_family=_dflt_family,organization:_type_organization=_dflt_organization)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'given',given)
  __dataclass_builtins_object__.__setattr__(self,'middle',middle)
  __dataclass_builtins_object__.__setattr__(self,'family',family)
  __dataclass_builtins_object__.__setattr__(self,'organization',organization)
 return __init__
CODE["def __create_fn__(_type_given, _type_middle, _type_family, _type_organization, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_given, _dflt_middle, _dflt_family, _dflt_organization, _return_type):\n def __init__(self,given:_type_given=_dflt_given,middle:_type_middle=_dflt_middle,family:_type_family=_dflt_family,organization:_type_organization=_dflt_organization)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'given',given)\n  __dataclass_builtins_object__.__setattr__(self,'middle',middle)\n  __dataclass_builtins_object__.__setattr__(self,'family',family)\n  __dataclass_builtins_object__.__setattr__(self,'organization',organization)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(given={self.given!r}, middle={self.middle!r}, family={self.family!r}, organization={self.organization!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(given={self.given!r}, middle={self.middle!r}, family={self.family!r}, organization={self.organization!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.given,self.middle,self.family,self.organization,)==(other.given,other.middle,other.family,other.organization,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.given,self.middle,self.family,self.organization,)==(other.given,other.middle,other.family,other.organization,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('given','middle','family','organization',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'given\',\'middle\',\'family\',\'organization\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('given','middle','family','organization',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'given\',\'middle\',\'family\',\'organization\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.given,self.middle,self.family,self.organization,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.given,self.middle,self.family,self.organization,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_address, _type_kind, _type_label, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_kind, _dflt_label, _return_type):
 def __init__(self,address:_type_address,kind:_type_kind=_dflt_kind,label:_type_label=_dflt_label)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'address',address)
  __dataclass_builtins_object__.__setattr__(self,'kind',kind)
  __dataclass_builtins_object__.__setattr__(self,'label',label)
 return __init__
CODE["def __create_fn__(_type_address, _type_kind, _type_label, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_kind, _dflt_label, _return_type):\n def __init__(self,address:_type_address,kind:_type_kind=_dflt_kind,label:_type_label=_dflt_label)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'address',address)\n  __dataclass_builtins_object__.__setattr__(self,'kind',kind)\n  __dataclass_builtins_object__.__setattr__(self,'label',label)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(address={self.address!r}, kind={self.kind!r}, label={self.label!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(address={self.address!r}, kind={self.kind!r}, label={self.label!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.address,self.kind,self.label,)==(other.address,other.kind,other.label,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.address,self.kind,self.label,)==(other.address,other.kind,other.label,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('address','kind','label',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'address\',\'kind\',\'label\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('address','kind','label',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'address\',\'kind\',\'label\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.address,self.kind,self.label,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.address,self.kind,self.label,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_number, _type_kind, _type_label, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_kind, _dflt_label, _return_type):
 def __init__(self,number:_type_number,kind:_type_kind=_dflt_kind,label:_type_label=_dflt_label)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'number',number)
  __dataclass_builtins_object__.__setattr__(self,'kind',kind)
  __dataclass_builtins_object__.__setattr__(self,'label',label)
 return __init__
CODE["def __create_fn__(_type_number, _type_kind, _type_label, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_kind, _dflt_label, _return_type):\n def __init__(self,number:_type_number,kind:_type_kind=_dflt_kind,label:_type_label=_dflt_label)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'number',number)\n  __dataclass_builtins_object__.__setattr__(self,'kind',kind)\n  __dataclass_builtins_object__.__setattr__(self,'label',label)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(number={self.number!r}, kind={self.kind!r}, label={self.label!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(number={self.number!r}, kind={self.kind!r}, label={self.label!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.number,self.kind,self.label,)==(other.number,other.kind,other.label,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.number,self.kind,self.label,)==(other.number,other.kind,other.label,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('number','kind','label',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'number\',\'kind\',\'label\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('number','kind','label',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'number\',\'kind\',\'label\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.number,self.kind,self.label,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.number,self.kind,self.label,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_street, _type_locality, _type_region, _type_postal_code, _type_country, _type_po_box, _type_extended, _type_kind, _type_label, _type_formatted, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_street, _dflt_locality, _dflt_region, _dflt_postal_code, _dflt_country, _dflt_po_box, _dflt_extended, _dflt_kind, _dflt_label, _dflt_formatted, _return_type):
 def __init__(self,street:_type_street=_dflt_street,locality:_type_locality=_dflt_locality,region:_type_region=_dflt_region,postal_code:_type_postal_code=_dflt_postal_code,country:_type_country=_dflt_country,po_box:_type_po_box=_dflt_po_box,extended:_type_extended=_dflt_extended,kind:_type_kind=_dflt_kind,label:_type_label=_dflt_label,formatted:_type_formatted=_dflt_formatted)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'street',street)
  __dataclass_builtins_object__.__setattr__(self,'locality',locality)
  __dataclass_builtins_object__.__setattr__(self,'region',region)
  __dataclass_builtins_object__.__setattr__(self,'postal_code',postal_code)
  __dataclass_builtins_object__.__setattr__(self,'country',country)
  __dataclass_builtins_object__.__setattr__(self,'po_box',po_box)
  __dataclass_builtins_object__.__setattr__(self,'extended',extended)
  __dataclass_builtins_object__.__setattr__(self,'kind',kind)
  __dataclass_builtins_object__.__setattr__(self,'label',label)
  __dataclass_builtins_object__.__setattr__(self,'formatted',formatted)
 return __init__
CODE["def __create_fn__(_type_street, _type_locality, _type_region, _type_postal_code, _type_country, _type_po_box, _type_extended, _type_kind, _type_label, _type_formatted, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_street, _dflt_locality, _dflt_region, _dflt_postal_code, _dflt_country, _dflt_po_box, _dflt_extended, _dflt_kind, _dflt_label, _dflt_formatted, _return_type):\n def __init__(self,street:_type_street=_dflt_street,locality:_type_locality=_dflt_locality,region:_type_region=_dflt_region,postal_code:_type_postal_code=_dflt_postal_code,country:_type_country=_dflt_country,po_box:_type_po_box=_dflt_po_box,extended:_type_extended=_dflt_extended,kind:_type_kind=_dflt_kind,label:_type_label=_dflt_label,formatted:_type_formatted=_dflt_formatted)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'street',street)\n  __dataclass_builtins_object__.__setattr__(self,'locality',locality)\n  __dataclass_builtins_object__.__setattr__(self,'region',region)\n  __dataclass_builtins_object__.__setattr__(self,'postal_code',postal_code)\n  __dataclass_builtins_object__.__setattr__(self,'country',country)\n  __dataclass_builtins_object__.__setattr__(self,'po_box',po_box)\n  __dataclass_builtins_object__.__setattr__(self,'extended',extended)\n  __dataclass_builtins_object__.__setattr__(self,'kind',kind)\n  __dataclass_builtins_object__.__setattr__(self,'label',label)\n  __dataclass_builtins_object__.__setattr__(self,'formatted',formatted)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(street={self.street!r}, locality={self.locality!r}, region={self.region!r}, postal_code={self.postal_code!r}, country={self.country!r}, po_box={self.po_box!r}, extended={self.extended!r}, kind={self.kind!r}, label={self.label!r}, formatted={self.formatted!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(street={self.street!r}, locality={self.locality!r}, region={self.region!r}, postal_code={self.postal_code!r}, country={self.country!r}, po_box={self.po_box!r}, extended={self.extended!r}, kind={self.kind!r}, label={self.label!r}, formatted={self.formatted!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.street,self.locality,self.region,self.postal_code,self.country,self.po_box,self.extended,self.kind,self.label,self.formatted,)==(other.street,other.locality,other.region,other.postal_code,other.country,other.po_box,other.extended,other.kind,other.label,other.formatted,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.street,self.locality,self.region,self.postal_code,self.country,self.po_box,self.extended,self.kind,self.label,self.formatted,)==(other.street,other.locality,other.region,other.postal_code,other.country,other.po_box,other.extended,other.kind,other.label,other.formatted,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('street','locality','region','postal_code','country','po_box','extended','kind','label','formatted',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'street\',\'locality\',\'region\',\'postal_code\',\'country\',\'po_box\',\'extended\',\'kind\',\'label\',\'formatted\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('street','locality','region','postal_code','country','po_box','extended','kind','label','formatted',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'street\',\'locality\',\'region\',\'postal_code\',\'country\',\'po_box\',\'extended\',\'kind\',\'label\',\'formatted\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.street,self.locality,self.region,self.postal_code,self.country,self.po_box,self.extended,self.kind,self.label,self.formatted,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.street,self.locality,self.region,self.postal_code,self.country,self.po_box,self.extended,self.kind,self.label,self.formatted,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_value, _type_label, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_label, _return_type):
 def __init__(self,value:_type_value,label:_type_label=_dflt_label)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'value',value)
  __dataclass_builtins_object__.__setattr__(self,'label',label)
 return __init__
CODE["def __create_fn__(_type_value, _type_label, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_label, _return_type):\n def __init__(self,value:_type_value,label:_type_label=_dflt_label)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'value',value)\n  __dataclass_builtins_object__.__setattr__(self,'label',label)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(value={self.value!r}, label={self.label!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(value={self.value!r}, label={self.label!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.value,self.label,)==(other.value,other.label,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.value,self.label,)==(other.value,other.label,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('value','label',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'value\',\'label\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('value','label',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'value\',\'label\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.value,self.label,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.value,self.label,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_handle, _type_service, _type_label, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_service, _dflt_label, _return_type):
 def __init__(self,handle:_type_handle,service:_type_service=_dflt_service,label:_type_label=_dflt_label)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'handle',handle)
  __dataclass_builtins_object__.__setattr__(self,'service',service)
  __dataclass_builtins_object__.__setattr__(self,'label',label)
 return __init__
CODE["def __create_fn__(_type_handle, _type_service, _type_label, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_service, _dflt_label, _return_type):\n def __init__(self,handle:_type_handle,service:_type_service=_dflt_service,label:_type_label=_dflt_label)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'handle',handle)\n  __dataclass_builtins_object__.__setattr__(self,'service',service)\n  __dataclass_builtins_object__.__setattr__(self,'label',label)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(handle={self.handle!r}, service={self.service!r}, label={self.label!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(handle={self.handle!r}, service={self.service!r}, label={self.label!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.handle,self.service,self.label,)==(other.handle,other.service,other.label,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.handle,self.service,self.label,)==(other.handle,other.service,other.label,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('handle','service','label',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'handle\',\'service\',\'label\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('handle','service','label',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'handle\',\'service\',\'label\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.handle,self.service,self.label,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.handle,self.service,self.label,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_name, _type_kind, _type_label, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_kind, _dflt_label, _return_type):
 def __init__(self,name:_type_name,kind:_type_kind=_dflt_kind,label:_type_label=_dflt_label)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'name',name)
  __dataclass_builtins_object__.__setattr__(self,'kind',kind)
  __dataclass_builtins_object__.__setattr__(self,'label',label)
 return __init__
CODE["def __create_fn__(_type_name, _type_kind, _type_label, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_kind, _dflt_label, _return_type):\n def __init__(self,name:_type_name,kind:_type_kind=_dflt_kind,label:_type_label=_dflt_label)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'name',name)\n  __dataclass_builtins_object__.__setattr__(self,'kind',kind)\n  __dataclass_builtins_object__.__setattr__(self,'label',label)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(name={self.name!r}, kind={self.kind!r}, label={self.label!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(name={self.name!r}, kind={self.kind!r}, label={self.label!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.name,self.kind,self.label,)==(other.name,other.kind,other.label,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.name,self.kind,self.label,)==(other.name,other.kind,other.label,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('name','kind','label',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'name\',\'kind\',\'label\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('name','kind','label',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'name\',\'kind\',\'label\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.name,self.kind,self.label,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.name,self.kind,self.label,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_date, _type_label, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_label, _return_type):
 def __init__(self,date:_type_date,label:_type_label=_dflt_label)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'date',date)
  __dataclass_builtins_object__.__setattr__(self,'label',label)
 return __init__
CODE["def __create_fn__(_type_date, _type_label, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_label, _return_type):\n def __init__(self,date:_type_date,label:_type_label=_dflt_label)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'date',date)\n  __dataclass_builtins_object__.__setattr__(self,'label',label)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(date={self.date!r}, label={self.label!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(date={self.date!r}, label={self.label!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.date,self.label,)==(other.date,other.label,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.date,self.label,)==(other.date,other.label,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('date','label',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'date\',\'label\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('date','label',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'date\',\'label\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.date,self.label,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.date,self.label,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_name, _type_key, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,name:_type_name)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'name',name)
  self.__post_init__()
 return __init__
CODE["def __create_fn__(_type_name, _type_key, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,name:_type_name)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'name',name)\n  self.__post_init__()\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(name={self.name!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(name={self.name!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.key,)==(other.key,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.key,)==(other.key,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__():
 def __lt__(self,other):
  if other.__class__ is self.__class__:
   return (self.key,)<(other.key,)
  return NotImplemented
 return __lt__
CODE['def __create_fn__():\n def __lt__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.key,)<(other.key,)\n  return NotImplemented\n return __lt__'] = __create_fn__.__code__

def __create_fn__():
 def __le__(self,other):
  if other.__class__ is self.__class__:
   return (self.key,)<=(other.key,)
  return NotImplemented
 return __le__
CODE['def __create_fn__():\n def __le__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.key,)<=(other.key,)\n  return NotImplemented\n return __le__'] = __create_fn__.__code__

def __create_fn__():
 def __gt__(self,other):
  if other.__class__ is self.__class__:
   return (self.key,)>(other.key,)
  return NotImplemented
 return __gt__
CODE['def __create_fn__():\n def __gt__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.key,)>(other.key,)\n  return NotImplemented\n return __gt__'] = __create_fn__.__code__

def __create_fn__():
 def __ge__(self,other):
  if other.__class__ is self.__class__:
   return (self.key,)>=(other.key,)
  return NotImplemented
 return __ge__
CODE['def __create_fn__():\n def __ge__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.key,)>=(other.key,)\n  return NotImplemented\n return __ge__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('name','key',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'name\',\'key\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('name','key',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'name\',\'key\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.key,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.key,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_digest, _type_media_type, _type_data, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,digest:_type_digest,media_type:_type_media_type,data:_type_data)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'digest',digest)
  __dataclass_builtins_object__.__setattr__(self,'media_type',media_type)
  __dataclass_builtins_object__.__setattr__(self,'data',data)
 return __init__
CODE["def __create_fn__(_type_digest, _type_media_type, _type_data, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,digest:_type_digest,media_type:_type_media_type,data:_type_data)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'digest',digest)\n  __dataclass_builtins_object__.__setattr__(self,'media_type',media_type)\n  __dataclass_builtins_object__.__setattr__(self,'data',data)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(digest={self.digest!r}, media_type={self.media_type!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(digest={self.digest!r}, media_type={self.media_type!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.digest,self.media_type,)==(other.digest,other.media_type,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.digest,self.media_type,)==(other.digest,other.media_type,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('digest','media_type','data',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'digest\',\'media_type\',\'data\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('digest','media_type','data',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'digest\',\'media_type\',\'data\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.digest,self.media_type,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.digest,self.media_type,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_name, _type_display_name, _type_nicknames, _type_emails, _type_phones, _type_addresses, _type_organization, _type_department, _type_job_title, _type_birthday, _type_anniversary, _type_urls, _type_note, _type_photo, _type_tags, _type_custom, _type_phonetic_name, _type_gender, _type_ims, _type_relations, _type_events, _type_role, _type_languages, _type_vcard_lines, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_name, _dflt_display_name, _dflt_nicknames, _dflt_emails, _dflt_phones, _dflt_addresses, _dflt_organization, _dflt_department, _dflt_job_title, _dflt_birthday, _dflt_anniversary, _dflt_urls, _dflt_note, _dflt_photo, _dflt_tags, _dflt_custom, _dflt_phonetic_name, _dflt_gender, _dflt_ims, _dflt_relations, _dflt_events, _dflt_role, _dflt_languages, _dflt_vcard_lines, _return_type):
 def __init__(self,name:_type_name=_dflt_name,display_name:_type_display_name=_dflt_display_name,nicknames:_type_nicknames=_dflt_nicknames,emails:_type_emails=_dflt_emails,phones:_type_phones=_dflt_phones,addresses:_type_addresses=_dflt_addresses,organization:_type_organization=_dflt_organization,department:_type_department=_dflt_department,job_title:_type_job_title=_dflt_job_title,birthday:_type_birthday=_dflt_birthday,anniversary:_type_anniversary=_dflt_anniversary,urls:_type_urls=_dflt_urls,note:_type_note=_dflt_note,photo:_type_photo=_dflt_photo,tags:_type_tags=_dflt_tags,custom:_type_custom=_dflt_custom,phonetic_name:_type_phonetic_name=_dflt_phonetic_name,gender:_type_gender=_dflt_gender,ims:_type_ims=_dflt_ims,relations:_type_relations=_dflt_relations,events:_type_events=_dflt_events,role:_type_role=_dflt_role,languages:_type_languages=_dflt_languages,vcard_lines:_type_vcard_lines=_dflt_vcard_lines)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'name',name)
  __dataclass_builtins_object__.__setattr__(self,'display_name',display_name)
  __dataclass_builtins_object__.__setattr__(self,'nicknames',nicknames)
  __dataclass_builtins_object__.__setattr__(self,'emails',emails)
  __dataclass_builtins_object__.__setattr__(self,'phones',phones)
  __dataclass_builtins_object__.__setattr__(self,'addresses',addresses)
  __dataclass_builtins_object__.__setattr__(self,'organization',organization)
  __dataclass_builtins_object__.__setattr__(self,'department',department)
  __dataclass_builtins_object__.__setattr__(self,'job_title',job_title)
  __dataclass_builtins_object__.__setattr__(self,'birthday',birthday)
  __dataclass_builtins_object__.__setattr__(self,'anniversary',anniversary)
  __dataclass_builtins_object__.__setattr__(self,'urls',urls)
  __dataclass_builtins_object__.__setattr__(self,'note',note)
  __dataclass_builtins_object__.__setattr__(self,'photo',photo)
  __dataclass_builtins_object__.__setattr__(self,'tags',tags)
  __dataclass_builtins_object__.__setattr__(self,'custom',custom)
  __dataclass_builtins_object__.__setattr__(self,'phonetic_name',phonetic_name)
  __dataclass_builtins_object__.__setattr__(self,'gender',gender)
  __dataclass_builtins_object__.__setattr__(self,'ims',ims)
  __dataclass_builtins_object__.__setattr__(self,'relations',relations)
  __dataclass_builtins_object__.__setattr__(self,'events',events)
  __dataclass_builtins_object__.__setattr__(self,'role',role)
  __dataclass_builtins_object__.__setattr__(self,'languages',languages)
  __dataclass_builtins_object__.__setattr__(self,'vcard_lines',vcard_lines)
 return __init__
CODE["def __create_fn__(_type_name, _type_display_name, _type_nicknames, _type_emails, _type_phones, _type_addresses, _type_organization, _type_department, _type_job_title, _type_birthday, _type_anniversary, _type_urls, _type_note, _type_photo, _type_tags, _type_custom, _type_phonetic_name, _type_gender, _type_ims, _type_relations, _type_events, _type_role, _type_languages, _type_vcard_lines, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_name, _dflt_display_name, _dflt_nicknames, _dflt_emails, _dflt_phones, _dflt_addresses, _dflt_organization, _dflt_department, _dflt_job_title, _dflt_birthday, _dflt_anniversary, _dflt_urls, _dflt_note, _dflt_photo, _dflt_tags, _dflt_custom, _dflt_phonetic_name, _dflt_gender, _dflt_ims, _dflt_relations, _dflt_events, _dflt_role, _dflt_languages, _dflt_vcard_lines, _return_type):\n def __init__(self,name:_type_name=_dflt_name,display_name:_type_display_name=_dflt_display_name,nicknames:_type_nicknames=_dflt_nicknames,emails:_type_emails=_dflt_emails,phones:_type_phones=_dflt_phones,addresses:_type_addresses=_dflt_addresses,organization:_type_organization=_dflt_organization,department:_type_department=_dflt_department,job_title:_type_job_title=_dflt_job_title,birthday:_type_birthday=_dflt_birthday,anniversary:_type_anniversary=_dflt_anniversary,urls:_type_urls=_dflt_urls,note:_type_note=_dflt_note,photo:_type_photo=_dflt_photo,tags:_type_tags=_dflt_tags,custom:_type_custom=_dflt_custom,phonetic_name:_type_phonetic_name=_dflt_phonetic_name,gender:_type_gender=_dflt_gender,ims:_type_ims=_dflt_ims,relations:_type_relations=_dflt_relations,events:_type_events=_dflt_events,role:_type_role=_dflt_role,languages:_type_languages=_dflt_languages,vcard_lines:_type_vcard_lines=_dflt_vcard_lines)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'name',name)\n  __dataclass_builtins_object__.__setattr__(self,'display_name',display_name)\n  __dataclass_builtins_object__.__setattr__(self,'nicknames',nicknames)\n  __dataclass_builtins_object__.__setattr__(self,'emails',emails)\n  __dataclass_builtins_object__.__setattr__(self,'phones',phones)\n  __dataclass_builtins_object__.__setattr__(self,'addresses',addresses)\n  __dataclass_builtins_object__.__setattr__(self,'organization',organization)\n  __dataclass_builtins_object__.__setattr__(self,'department',department)\n  __dataclass_builtins_object__.__setattr__(self,'job_title',job_title)\n  __dataclass_builtins_object__.__setattr__(self,'birthday',birthday)\n  __dataclass_builtins_object__.__setattr__(self,'anniversary',anniversary)\n  __dataclass_builtins_object__.__setattr__(self,'urls',urls)\n  __dataclass_builtins_object__.__setattr__(self,'note',note)\n  __dataclass_builtins_object__.__setattr__(self,'photo',photo)\n  __dataclass_builtins_object__.__setattr__(self,'tags',tags)\n  __dataclass_builtins_object__.__setattr__(self,'custom',custom)\n  __dataclass_builtins_object__.__setattr__(self,'phonetic_name',phonetic_name)\n  __dataclass_builtins_object__.__setattr__(self,'gender',gender)\n  __dataclass_builtins_object__.__setattr__(self,'ims',ims)\n  __dataclass_builtins_object__.__setattr__(self,'relations',relations)\n  __dataclass_builtins_object__.__setattr__(self,'events',events)\n  __dataclass_builtins_object__.__setattr__(self,'role',role)\n  __dataclass_builtins_object__.__setattr__(self,'languages',languages)\n  __dataclass_builtins_object__.__setattr__(self,'vcard_lines',vcard_lines)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(name={self.name!r}, display_name={self.display_name!r}, nicknames={self.nicknames!r}, emails={self.emails!r}, phones={self.phones!r}, addresses={self.addresses!r}, organization={self.organization!r}, department={self.department!r}, job_title={self.job_title!r}, birthday={self.birthday!r}, anniversary={self.anniversary!r}, urls={self.urls!r}, note={self.note!r}, photo={self.photo!r}, tags={self.tags!r}, custom={self.custom!r}, phonetic_name={self.phonetic_name!r}, gender={self.gender!r}, ims={self.ims!r}, relations={self.relations!r}, events={self.events!r}, role={self.role!r}, languages={self.languages!r}, vcard_lines={self.vcard_lines!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(name={self.name!r}, display_name={self.display_name!r}, nicknames={self.nicknames!r}, emails={self.emails!r}, phones={self.phones!r}, addresses={self.addresses!r}, organization={self.organization!r}, department={self.department!r}, job_title={self.job_title!r}, birthday={self.birthday!r}, anniversary={self.anniversary!r}, urls={self.urls!r}, note={self.note!r}, photo={self.photo!r}, tags={self.tags!r}, custom={self.custom!r}, phonetic_name={self.phonetic_name!r}, gender={self.gender!r}, ims={self.ims!r}, relations={self.relations!r}, events={self.events!r}, role={self.role!r}, languages={self.languages!r}, vcard_lines={self.vcard_lines!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.name,self.display_name,self.nicknames,self.emails,self.phones,self.addresses,self.organization,self.department,self.job_title,self.birthday,self.anniversary,self.urls,self.note,self.photo,self.tags,self.custom,self.phonetic_name,self.gender,self.ims,self.relations,self.events,self.role,self.languages,self.vcard_lines,)==(other.name,other.display_name,other.nicknames,other.emails,other.phones,other.addresses,other.organization,other.department,other.job_title,other.birthday,other.anniversary,other.urls,other.note,other.photo,other.tags,other.custom,other.phonetic_name,other.gender,other.ims,other.relations,other.events,other.role,other.languages,other.vcard_lines,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.name,self.display_name,self.nicknames,self.emails,self.phones,self.addresses,self.organization,self.department,self.job_title,self.birthday,self.anniversary,self.urls,self.note,self.photo,self.tags,self.custom,self.phonetic_name,self.gender,self.ims,self.relations,self.events,self.role,self.languages,self.vcard_lines,)==(other.name,other.display_name,other.nicknames,other.emails,other.phones,other.addresses,other.organization,other.department,other.job_title,other.birthday,other.anniversary,other.urls,other.note,other.photo,other.tags,other.custom,other.phonetic_name,other.gender,other.ims,other.relations,other.events,other.role,other.languages,other.vcard_lines,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('name','display_name','nicknames','emails','phones','addresses','organization','department','job_title','birthday','anniversary','urls','note','photo','tags','custom','phonetic_name','gender','ims','relations','events','role','languages','vcard_lines',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'name\',\'display_name\',\'nicknames\',\'emails\',\'phones\',\'addresses\',\'organization\',\'department\',\'job_title\',\'birthday\',\'anniversary\',\'urls\',\'note\',\'photo\',\'tags\',\'custom\',\'phonetic_name\',\'gender\',\'ims\',\'relations\',\'events\',\'role\',\'languages\',\'vcard_lines\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('name','display_name','nicknames','emails','phones','addresses','organization','department','job_title','birthday','anniversary','urls','note','photo','tags','custom','phonetic_name','gender','ims','relations','events','role','languages','vcard_lines',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'name\',\'display_name\',\'nicknames\',\'emails\',\'phones\',\'addresses\',\'organization\',\'department\',\'job_title\',\'birthday\',\'anniversary\',\'urls\',\'note\',\'photo\',\'tags\',\'custom\',\'phonetic_name\',\'gender\',\'ims\',\'relations\',\'events\',\'role\',\'languages\',\'vcard_lines\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.name,self.display_name,self.nicknames,self.emails,self.phones,self.addresses,self.organization,self.department,self.job_title,self.birthday,self.anniversary,self.urls,self.note,self.photo,self.tags,self.custom,self.phonetic_name,self.gender,self.ims,self.relations,self.events,self.role,self.languages,self.vcard_lines,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.name,self.display_name,self.nicknames,self.emails,self.phones,self.addresses,self.organization,self.department,self.job_title,self.birthday,self.anniversary,self.urls,self.note,self.photo,self.tags,self.custom,self.phonetic_name,self.gender,self.ims,self.relations,self.events,self.role,self.languages,self.vcard_lines,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_value, _type_source, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_source, _return_type):
 def __init__(self,value:_type_value,source:_type_source=_dflt_source)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'value',value)
  __dataclass_builtins_object__.__setattr__(self,'source',source)
 return __init__
CODE["def __create_fn__(_type_value, _type_source, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_source, _return_type):\n def __init__(self,value:_type_value,source:_type_source=_dflt_source)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'value',value)\n  __dataclass_builtins_object__.__setattr__(self,'source',source)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(source={self.source!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(source={self.source!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.value,self.source,)==(other.value,other.source,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.value,self.source,)==(other.value,other.source,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('value','source',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'value\',\'source\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('value','source',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'value\',\'source\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.value,self.source,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.value,self.source,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_name, _type_type, _type_mode, _type_allow_create, _type_allow_update, _type_allow_delete, _type_options, _type_secrets, _type_unreadable_secrets, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_mode, _dflt_allow_create, _dflt_allow_update, _dflt_allow_delete, _dflt_options, _dflt_secrets, _dflt_unreadable_secrets, _return_type):
 def __init__(self,name:_type_name,type:_type_type,mode:_type_mode=_dflt_mode,allow_create:_type_allow_create=_dflt_allow_create,allow_update:_type_allow_update=_dflt_allow_update,allow_delete:_type_allow_delete=_dflt_allow_delete,options:_type_options=_HAS_DEFAULT_FACTORY,secrets:_type_secrets=_HAS_DEFAULT_FACTORY,unreadable_secrets:_type_unreadable_secrets=_dflt_unreadable_secrets)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'name',name)
  __dataclass_builtins_object__.__setattr__(self,'type',type)
  __dataclass_builtins_object__.__setattr__(self,'mode',mode)
  __dataclass_builtins_object__.__setattr__(self,'allow_create',allow_create)
  __dataclass_builtins_object__.__setattr__(self,'allow_update',allow_update)
  __dataclass_builtins_object__.__setattr__(self,'allow_delete',allow_delete)
  __dataclass_builtins_object__.__setattr__(self,'options',_dflt_options() if options is _HAS_DEFAULT_FACTORY else options)
  __dataclass_builtins_object__.__setattr__(self,'secrets',_dflt_secrets() if secrets is _HAS_DEFAULT_FACTORY else secrets)
  __dataclass_builtins_object__.__setattr__(self,'unreadable_secrets',unreadable_secrets)
 return __init__
CODE["def __create_fn__(_type_name, _type_type, _type_mode, _type_allow_create, _type_allow_update, _type_allow_delete, _type_options, _type_secrets, _type_unreadable_secrets, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_mode, _dflt_allow_create, _dflt_allow_update, _dflt_allow_delete, _dflt_options, _dflt_secrets, _dflt_unreadable_secrets, _return_type):\n def __init__(self,name:_type_name,type:_type_type,mode:_type_mode=_dflt_mode,allow_create:_type_allow_create=_dflt_allow_create,allow_update:_type_allow_update=_dflt_allow_update,allow_delete:_type_allow_delete=_dflt_allow_delete,options:_type_options=_HAS_DEFAULT_FACTORY,secrets:_type_secrets=_HAS_DEFAULT_FACTORY,unreadable_secrets:_type_unreadable_secrets=_dflt_unreadable_secrets)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'name',name)\n  __dataclass_builtins_object__.__setattr__(self,'type',type)\n  __dataclass_builtins_object__.__setattr__(self,'mode',mode)\n  __dataclass_builtins_object__.__setattr__(self,'allow_create',allow_create)\n  __dataclass_builtins_object__.__setattr__(self,'allow_update',allow_update)\n  __dataclass_builtins_object__.__setattr__(self,'allow_delete',allow_delete)\n  __dataclass_builtins_object__.__setattr__(self,'options',_dflt_options() if options is _HAS_DEFAULT_FACTORY else options)\n  __dataclass_builtins_object__.__setattr__(self,'secrets',_dflt_secrets() if secrets is _HAS_DEFAULT_FACTORY else secrets)\n  __dataclass_builtins_object__.__setattr__(self,'unreadable_secrets',unreadable_secrets)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(name={self.name!r}, type={self.type!r}, mode={self.mode!r}, allow_create={self.allow_create!r}, allow_update={self.allow_update!r}, allow_delete={self.allow_delete!r}, options={self.options!r}, secrets={self.secrets!r}, unreadable_secrets={self.unreadable_secrets!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(name={self.name!r}, type={self.type!r}, mode={self.mode!r}, allow_create={self.allow_create!r}, allow_update={self.allow_update!r}, allow_delete={self.allow_delete!r}, options={self.options!r}, secrets={self.secrets!r}, unreadable_secrets={self.unreadable_secrets!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.name,self.type,self.mode,self.allow_create,self.allow_update,self.allow_delete,self.options,self.secrets,self.unreadable_secrets,)==(other.name,other.type,other.mode,other.allow_create,other.allow_update,other.allow_delete,other.options,other.secrets,other.unreadable_secrets,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.name,self.type,self.mode,self.allow_create,self.allow_update,self.allow_delete,self.options,self.secrets,self.unreadable_secrets,)==(other.name,other.type,other.mode,other.allow_create,other.allow_update,other.allow_delete,other.options,other.secrets,other.unreadable_secrets,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('name','type','mode','allow_create','allow_update','allow_delete','options','secrets','unreadable_secrets',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'name\',\'type\',\'mode\',\'allow_create\',\'allow_update\',\'allow_delete\',\'options\',\'secrets\',\'unreadable_secrets\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('name','type','mode','allow_create','allow_update','allow_delete','options','secrets','unreadable_secrets',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'name\',\'type\',\'mode\',\'allow_create\',\'allow_update\',\'allow_delete\',\'options\',\'secrets\',\'unreadable_secrets\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.name,self.type,self.mode,self.allow_create,self.allow_update,self.allow_delete,self.options,self.secrets,self.unreadable_secrets,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.name,self.type,self.mode,self.allow_create,self.allow_update,self.allow_delete,self.options,self.secrets,self.unreadable_secrets,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_default, _type_per_field, _type_on_delete, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_default, _dflt_per_field, _dflt_on_delete, _return_type):
 def __init__(self,default:_type_default=_dflt_default,per_field:_type_per_field=_HAS_DEFAULT_FACTORY,on_delete:_type_on_delete=_dflt_on_delete)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'default',default)
  __dataclass_builtins_object__.__setattr__(self,'per_field',_dflt_per_field() if per_field is _HAS_DEFAULT_FACTORY else per_field)
  __dataclass_builtins_object__.__setattr__(self,'on_delete',on_delete)
 return __init__
CODE["def __create_fn__(_type_default, _type_per_field, _type_on_delete, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_default, _dflt_per_field, _dflt_on_delete, _return_type):\n def __init__(self,default:_type_default=_dflt_default,per_field:_type_per_field=_HAS_DEFAULT_FACTORY,on_delete:_type_on_delete=_dflt_on_delete)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'default',default)\n  __dataclass_builtins_object__.__setattr__(self,'per_field',_dflt_per_field() if per_field is _HAS_DEFAULT_FACTORY else per_field)\n  __dataclass_builtins_object__.__setattr__(self,'on_delete',on_delete)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(default={self.default!r}, per_field={self.per_field!r}, on_delete={self.on_delete!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(default={self.default!r}, per_field={self.per_field!r}, on_delete={self.on_delete!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.default,self.per_field,self.on_delete,)==(other.default,other.per_field,other.on_delete,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.default,self.per_field,self.on_delete,)==(other.default,other.per_field,other.on_delete,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('default','per_field','on_delete',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'default\',\'per_field\',\'on_delete\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('default','per_field','on_delete',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'default\',\'per_field\',\'on_delete\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.default,self.per_field,self.on_delete,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.default,self.per_field,self.on_delete,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_max_deletes, _type_max_delete_ratio, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_max_deletes, _dflt_max_delete_ratio, _return_type):
 def __init__(self,max_deletes:_type_max_deletes=_dflt_max_deletes,max_delete_ratio:_type_max_delete_ratio=_dflt_max_delete_ratio)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'max_deletes',max_deletes)
  __dataclass_builtins_object__.__setattr__(self,'max_delete_ratio',max_delete_ratio)
 return __init__
CODE["def __create_fn__(_type_max_deletes, _type_max_delete_ratio, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_max_deletes, _dflt_max_delete_ratio, _return_type):\n def __init__(self,max_deletes:_type_max_deletes=_dflt_max_deletes,max_delete_ratio:_type_max_delete_ratio=_dflt_max_delete_ratio)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'max_deletes',max_deletes)\n  __dataclass_builtins_object__.__setattr__(self,'max_delete_ratio',max_delete_ratio)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(max_deletes={self.max_deletes!r}, max_delete_ratio={self.max_delete_ratio!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(max_deletes={self.max_deletes!r}, max_delete_ratio={self.max_delete_ratio!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.max_deletes,self.max_delete_ratio,)==(other.max_deletes,other.max_delete_ratio,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.max_deletes,self.max_delete_ratio,)==(other.max_deletes,other.max_delete_ratio,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('max_deletes','max_delete_ratio',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'max_deletes\',\'max_delete_ratio\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('max_deletes','max_delete_ratio',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'max_deletes\',\'max_delete_ratio\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.max_deletes,self.max_delete_ratio,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.max_deletes,self.max_delete_ratio,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_required, _type_phone_format, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_required, _dflt_phone_format, _return_type):
 def __init__(self,required:_type_required=_dflt_required,phone_format:_type_phone_format=_dflt_phone_format)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'required',required)
  __dataclass_builtins_object__.__setattr__(self,'phone_format',phone_format)
 return __init__
CODE["def __create_fn__(_type_required, _type_phone_format, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_required, _dflt_phone_format, _return_type):\n def __init__(self,required:_type_required=_dflt_required,phone_format:_type_phone_format=_dflt_phone_format)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'required',required)\n  __dataclass_builtins_object__.__setattr__(self,'phone_format',phone_format)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(required={self.required!r}, phone_format={self.phone_format!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(required={self.required!r}, phone_format={self.phone_format!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.required,self.phone_format,)==(other.required,other.phone_format,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.required,self.phone_format,)==(other.required,other.phone_format,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('required','phone_format',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'required\',\'phone_format\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('required','phone_format',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'required\',\'phone_format\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.required,self.phone_format,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.required,self.phone_format,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_name, _type_accounts, _type_priority, _type_conflicts, _type_brake, _type_default_region, _type_trash_days, _type_photo_max_bytes, _type_schedule, _type_rules, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_priority, _dflt_conflicts, _dflt_brake, _dflt_default_region, _dflt_trash_days, _dflt_photo_max_bytes, _dflt_schedule, _dflt_rules, _return_type):
 def __init__(self,name:_type_name,accounts:_type_accounts,priority:_type_priority=_dflt_priority,conflicts:_type_conflicts=_dflt_conflicts,brake:_type_brake=_dflt_brake,default_region:_type_default_region=_dflt_default_region,trash_days:_type_trash_days=_dflt_trash_days,photo_max_bytes:_type_photo_max_bytes=_dflt_photo_max_bytes,schedule:_type_schedule=_dflt_schedule,rules:_type_rules=_dflt_rules)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'name',name)
  __dataclass_builtins_object__.__setattr__(self,'accounts',accounts)
  __dataclass_builtins_object__.__setattr__(self,'priority',priority)
  __dataclass_builtins_object__.__setattr__(self,'conflicts',conflicts)
  __dataclass_builtins_object__.__setattr__(self,'brake',brake)
  __dataclass_builtins_object__.__setattr__(self,'default_region',default_region)
  __dataclass_builtins_object__.__setattr__(self,'trash_days',trash_days)
  __dataclass_builtins_object__.__setattr__(self,'photo_max_bytes',photo_max_bytes)
  __dataclass_builtins_object__.__setattr__(self,'schedule',schedule)
  __dataclass_builtins_object__.__setattr__(self,'rules',rules)
 return __init__
CODE["def __create_fn__(_type_name, _type_accounts, _type_priority, _type_conflicts, _type_brake, _type_default_region, _type_trash_days, _type_photo_max_bytes, _type_schedule, _type_rules, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_priority, _dflt_conflicts, _dflt_brake, _dflt_default_region, _dflt_trash_days, _dflt_photo_max_bytes, _dflt_schedule, _dflt_rules, _return_type):\n def __init__(self,name:_type_name,accounts:_type_accounts,priority:_type_priority=_dflt_priority,conflicts:_type_conflicts=_dflt_conflicts,brake:_type_brake=_dflt_brake,default_region:_type_default_region=_dflt_default_region,trash_days:_type_trash_days=_dflt_trash_days,photo_max_bytes:_type_photo_max_bytes=_dflt_photo_max_bytes,schedule:_type_schedule=_dflt_schedule,rules:_type_rules=_dflt_rules)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'name',name)\n  __dataclass_builtins_object__.__setattr__(self,'accounts',accounts)\n  __dataclass_builtins_object__.__setattr__(self,'priority',priority)\n  __dataclass_builtins_object__.__setattr__(self,'conflicts',conflicts)\n  __dataclass_builtins_object__.__setattr__(self,'brake',brake)\n  __dataclass_builtins_object__.__setattr__(self,'default_region',default_region)\n  __dataclass_builtins_object__.__setattr__(self,'trash_days',trash_days)\n  __dataclass_builtins_object__.__setattr__(self,'photo_max_bytes',photo_max_bytes)\n  __dataclass_builtins_object__.__setattr__(self,'schedule',schedule)\n  __dataclass_builtins_object__.__setattr__(self,'rules',rules)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(name={self.name!r}, accounts={self.accounts!r}, priority={self.priority!r}, conflicts={self.conflicts!r}, brake={self.brake!r}, default_region={self.default_region!r}, trash_days={self.trash_days!r}, photo_max_bytes={self.photo_max_bytes!r}, schedule={self.schedule!r}, rules={self.rules!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(name={self.name!r}, accounts={self.accounts!r}, priority={self.priority!r}, conflicts={self.conflicts!r}, brake={self.brake!r}, default_region={self.default_region!r}, trash_days={self.trash_days!r}, photo_max_bytes={self.photo_max_bytes!r}, schedule={self.schedule!r}, rules={self.rules!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.name,self.accounts,self.priority,self.conflicts,self.brake,self.default_region,self.trash_days,self.photo_max_bytes,self.schedule,self.rules,)==(other.name,other.accounts,other.priority,other.conflicts,other.brake,other.default_region,other.trash_days,other.photo_max_bytes,other.schedule,other.rules,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.name,self.accounts,self.priority,self.conflicts,self.brake,self.default_region,self.trash_days,self.photo_max_bytes,self.schedule,self.rules,)==(other.name,other.accounts,other.priority,other.conflicts,other.brake,other.default_region,other.trash_days,other.photo_max_bytes,other.schedule,other.rules,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('name','accounts','priority','conflicts','brake','default_region','trash_days','photo_max_bytes','schedule','rules',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'name\',\'accounts\',\'priority\',\'conflicts\',\'brake\',\'default_region\',\'trash_days\',\'photo_max_bytes\',\'schedule\',\'rules\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('name','accounts','priority','conflicts','brake','default_region','trash_days','photo_max_bytes','schedule','rules',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'name\',\'accounts\',\'priority\',\'conflicts\',\'brake\',\'default_region\',\'trash_days\',\'photo_max_bytes\',\'schedule\',\'rules\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.name,self.accounts,self.priority,self.conflicts,self.brake,self.default_region,self.trash_days,self.photo_max_bytes,self.schedule,self.rules,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.name,self.accounts,self.priority,self.conflicts,self.brake,self.default_region,self.trash_days,self.photo_max_bytes,self.schedule,self.rules,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_account, _type_owner, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_owner, _return_type):
 def __init__(self,account:_type_account,owner:_type_owner=_dflt_owner)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'account',account)
  __dataclass_builtins_object__.__setattr__(self,'owner',owner)
 return __init__
CODE["def __create_fn__(_type_account, _type_owner, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_owner, _return_type):\n def __init__(self,account:_type_account,owner:_type_owner=_dflt_owner)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'account',account)\n  __dataclass_builtins_object__.__setattr__(self,'owner',owner)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(account={self.account!r}, owner={self.owner!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(account={self.account!r}, owner={self.owner!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.account,self.owner,)==(other.account,other.owner,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.account,self.owner,)==(other.account,other.owner,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('account','owner',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'account\',\'owner\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('account','owner',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'account\',\'owner\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.account,self.owner,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.account,self.owner,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_template, _type_account, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,template:_type_template,account:_type_account)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'template',template)
  __dataclass_builtins_object__.__setattr__(self,'account',account)
 return __init__
CODE["def __create_fn__(_type_template, _type_account, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,template:_type_template,account:_type_account)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'template',template)\n  __dataclass_builtins_object__.__setattr__(self,'account',account)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(template={self.template!r}, account={self.account!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(template={self.template!r}, account={self.account!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.template,self.account,)==(other.template,other.account,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.template,self.account,)==(other.template,other.account,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('template','account',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'template\',\'account\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('template','account',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'template\',\'account\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.template,self.account,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.template,self.account,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_name, _type_source, _type_targets, _type_container, _type_fields, _type_mobile, _type_photos, _type_exclude, _type_schedule, _type_brake, _type_trash_days, _type_default_region, _type_accounts, _type_template_targets, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_fields, _dflt_mobile, _dflt_photos, _dflt_exclude, _dflt_schedule, _dflt_brake, _dflt_trash_days, _dflt_default_region, _dflt_accounts, _dflt_template_targets, _return_type):
 def __init__(self,name:_type_name,source:_type_source,targets:_type_targets,container:_type_container,fields:_type_fields=_dflt_fields,mobile:_type_mobile=_dflt_mobile,photos:_type_photos=_dflt_photos,exclude:_type_exclude=_dflt_exclude,schedule:_type_schedule=_dflt_schedule,brake:_type_brake=_dflt_brake,trash_days:_type_trash_days=_dflt_trash_days,default_region:_type_default_region=_dflt_default_region,accounts:_type_accounts=_dflt_accounts,template_targets:_type_template_targets=_dflt_template_targets)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'name',name)
  __dataclass_builtins_object__.__setattr__(self,'source',source)
  __dataclass_builtins_object__.__setattr__(self,'targets',targets)
  __dataclass_builtins_object__.__setattr__(self,'container',container)
  __dataclass_builtins_object__.__setattr__(self,'fields',fields)
  __dataclass_builtins_object__.__setattr__(self,'mobile',mobile)
  __dataclass_builtins_object__.__setattr__(self,'photos',photos)
  __dataclass_builtins_object__.__setattr__(self,'exclude',exclude)
  __dataclass_builtins_object__.__setattr__(self,'schedule',schedule)
  __dataclass_builtins_object__.__setattr__(self,'brake',brake)
  __dataclass_builtins_object__.__setattr__(self,'trash_days',trash_days)
  __dataclass_builtins_object__.__setattr__(self,'default_region',default_region)
  __dataclass_builtins_object__.__setattr__(self,'accounts',accounts)
  __dataclass_builtins_object__.__setattr__(self,'template_targets',template_targets)
 return __init__
CODE["def __create_fn__(_type_name, _type_source, _type_targets, _type_container, _type_fields, _type_mobile, _type_photos, _type_exclude, _type_schedule, _type_brake, _type_trash_days, _type_default_region, _type_accounts, _type_template_targets, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_fields, _dflt_mobile, _dflt_photos, _dflt_exclude, _dflt_schedule, _dflt_brake, _dflt_trash_days, _dflt_default_region, _dflt_accounts, _dflt_template_targets, _return_type):\n def __init__(self,name:_type_name,source:_type_source,targets:_type_targets,container:_type_container,fields:_type_fields=_dflt_fields,mobile:_type_mobile=_dflt_mobile,photos:_type_photos=_dflt_photos,exclude:_type_exclude=_dflt_exclude,schedule:_type_schedule=_dflt_schedule,brake:_type_brake=_dflt_brake,trash_days:_type_trash_days=_dflt_trash_days,default_region:_type_default_region=_dflt_default_region,accounts:_type_accounts=_dflt_accounts,template_targets:_type_template_targets=_dflt_template_targets)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'name',name)\n  __dataclass_builtins_object__.__setattr__(self,'source',source)\n  __dataclass_builtins_object__.__setattr__(self,'targets',targets)\n  __dataclass_builtins_object__.__setattr__(self,'container',container)\n  __dataclass_builtins_object__.__setattr__(self,'fields',fields)\n  __dataclass_builtins_object__.__setattr__(self,'mobile',mobile)\n  __dataclass_builtins_object__.__setattr__(self,'photos',photos)\n  __dataclass_builtins_object__.__setattr__(self,'exclude',exclude)\n  __dataclass_builtins_object__.__setattr__(self,'schedule',schedule)\n  __dataclass_builtins_object__.__setattr__(self,'brake',brake)\n  __dataclass_builtins_object__.__setattr__(self,'trash_days',trash_days)\n  __dataclass_builtins_object__.__setattr__(self,'default_region',default_region)\n  __dataclass_builtins_object__.__setattr__(self,'accounts',accounts)\n  __dataclass_builtins_object__.__setattr__(self,'template_targets',template_targets)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(name={self.name!r}, source={self.source!r}, targets={self.targets!r}, container={self.container!r}, fields={self.fields!r}, mobile={self.mobile!r}, photos={self.photos!r}, exclude={self.exclude!r}, schedule={self.schedule!r}, brake={self.brake!r}, trash_days={self.trash_days!r}, default_region={self.default_region!r}, accounts={self.accounts!r}, template_targets={self.template_targets!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(name={self.name!r}, source={self.source!r}, targets={self.targets!r}, container={self.container!r}, fields={self.fields!r}, mobile={self.mobile!r}, photos={self.photos!r}, exclude={self.exclude!r}, schedule={self.schedule!r}, brake={self.brake!r}, trash_days={self.trash_days!r}, default_region={self.default_region!r}, accounts={self.accounts!r}, template_targets={self.template_targets!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.name,self.source,self.targets,self.container,self.fields,self.mobile,self.photos,self.exclude,self.schedule,self.brake,self.trash_days,self.default_region,self.accounts,self.template_targets,)==(other.name,other.source,other.targets,other.container,other.fields,other.mobile,other.photos,other.exclude,other.schedule,other.brake,other.trash_days,other.default_region,other.accounts,other.template_targets,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.name,self.source,self.targets,self.container,self.fields,self.mobile,self.photos,self.exclude,self.schedule,self.brake,self.trash_days,self.default_region,self.accounts,self.template_targets,)==(other.name,other.source,other.targets,other.container,other.fields,other.mobile,other.photos,other.exclude,other.schedule,other.brake,other.trash_days,other.default_region,other.accounts,other.template_targets,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('name','source','targets','container','fields','mobile','photos','exclude','schedule','brake','trash_days','default_region','accounts','template_targets',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'name\',\'source\',\'targets\',\'container\',\'fields\',\'mobile\',\'photos\',\'exclude\',\'schedule\',\'brake\',\'trash_days\',\'default_region\',\'accounts\',\'template_targets\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('name','source','targets','container','fields','mobile','photos','exclude','schedule','brake','trash_days','default_region','accounts','template_targets',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'name\',\'source\',\'targets\',\'container\',\'fields\',\'mobile\',\'photos\',\'exclude\',\'schedule\',\'brake\',\'trash_days\',\'default_region\',\'accounts\',\'template_targets\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.name,self.source,self.targets,self.container,self.fields,self.mobile,self.photos,self.exclude,self.schedule,self.brake,self.trash_days,self.default_region,self.accounts,self.template_targets,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.name,self.source,self.targets,self.container,self.fields,self.mobile,self.photos,self.exclude,self.schedule,self.brake,self.trash_days,self.default_region,self.accounts,self.template_targets,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_email, _type_username, _type_exclude, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_email, _dflt_username, _dflt_exclude, _return_type):
 def __init__(self,email:_type_email=_dflt_email,username:_type_username=_dflt_username,exclude:_type_exclude=_dflt_exclude)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'email',email)
  __dataclass_builtins_object__.__setattr__(self,'username',username)
  __dataclass_builtins_object__.__setattr__(self,'exclude',exclude)
 return __init__
CODE["def __create_fn__(_type_email, _type_username, _type_exclude, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_email, _dflt_username, _dflt_exclude, _return_type):\n def __init__(self,email:_type_email=_dflt_email,username:_type_username=_dflt_username,exclude:_type_exclude=_dflt_exclude)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'email',email)\n  __dataclass_builtins_object__.__setattr__(self,'username',username)\n  __dataclass_builtins_object__.__setattr__(self,'exclude',exclude)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(email={self.email!r}, username={self.username!r}, exclude={self.exclude!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(email={self.email!r}, username={self.username!r}, exclude={self.exclude!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.email,self.username,self.exclude,)==(other.email,other.username,other.exclude,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.email,self.username,self.exclude,)==(other.email,other.username,other.exclude,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('email','username','exclude',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'email\',\'username\',\'exclude\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('email','username','exclude',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'email\',\'username\',\'exclude\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.email,self.username,self.exclude,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.email,self.username,self.exclude,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_name, _type_source, _type_book, _type_filter, _type_schedule, _type_accounts, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_filter, _dflt_schedule, _dflt_accounts, _return_type):
 def __init__(self,name:_type_name,source:_type_source,book:_type_book,filter:_type_filter=_dflt_filter,schedule:_type_schedule=_dflt_schedule,accounts:_type_accounts=_dflt_accounts)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'name',name)
  __dataclass_builtins_object__.__setattr__(self,'source',source)
  __dataclass_builtins_object__.__setattr__(self,'book',book)
  __dataclass_builtins_object__.__setattr__(self,'filter',filter)
  __dataclass_builtins_object__.__setattr__(self,'schedule',schedule)
  __dataclass_builtins_object__.__setattr__(self,'accounts',accounts)
 return __init__
CODE["def __create_fn__(_type_name, _type_source, _type_book, _type_filter, _type_schedule, _type_accounts, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_filter, _dflt_schedule, _dflt_accounts, _return_type):\n def __init__(self,name:_type_name,source:_type_source,book:_type_book,filter:_type_filter=_dflt_filter,schedule:_type_schedule=_dflt_schedule,accounts:_type_accounts=_dflt_accounts)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'name',name)\n  __dataclass_builtins_object__.__setattr__(self,'source',source)\n  __dataclass_builtins_object__.__setattr__(self,'book',book)\n  __dataclass_builtins_object__.__setattr__(self,'filter',filter)\n  __dataclass_builtins_object__.__setattr__(self,'schedule',schedule)\n  __dataclass_builtins_object__.__setattr__(self,'accounts',accounts)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(name={self.name!r}, source={self.source!r}, book={self.book!r}, filter={self.filter!r}, schedule={self.schedule!r}, accounts={self.accounts!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(name={self.name!r}, source={self.source!r}, book={self.book!r}, filter={self.filter!r}, schedule={self.schedule!r}, accounts={self.accounts!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.name,self.source,self.book,self.filter,self.schedule,self.accounts,)==(other.name,other.source,other.book,other.filter,other.schedule,other.accounts,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.name,self.source,self.book,self.filter,self.schedule,self.accounts,)==(other.name,other.source,other.book,other.filter,other.schedule,other.accounts,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('name','source','book','filter','schedule','accounts',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'name\',\'source\',\'book\',\'filter\',\'schedule\',\'accounts\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('name','source','book','filter','schedule','accounts',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'name\',\'source\',\'book\',\'filter\',\'schedule\',\'accounts\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.name,self.source,self.book,self.filter,self.schedule,self.accounts,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.name,self.source,self.book,self.filter,self.schedule,self.accounts,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_jitter_seconds, _type_lease_seconds, _type_workers, _type_pause_after_failures, _type_pause_seconds, _type_max_pause_seconds, _type_rate_limits, _type_max_in_flight, _type_metrics_listen, _type_metrics_per_person, _type_stop_timeout_seconds, _type_sync_wait_seconds, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_jitter_seconds, _dflt_lease_seconds, _dflt_workers, _dflt_pause_after_failures, _dflt_pause_seconds, _dflt_max_pause_seconds, _dflt_rate_limits, _dflt_max_in_flight, _dflt_metrics_listen, _dflt_metrics_per_person, _dflt_stop_timeout_seconds, _dflt_sync_wait_seconds, _return_type):
 def __init__(self,jitter_seconds:_type_jitter_seconds=_dflt_jitter_seconds,lease_seconds:_type_lease_seconds=_dflt_lease_seconds,workers:_type_workers=_dflt_workers,pause_after_failures:_type_pause_after_failures=_dflt_pause_after_failures,pause_seconds:_type_pause_seconds=_dflt_pause_seconds,max_pause_seconds:_type_max_pause_seconds=_dflt_max_pause_seconds,rate_limits:_type_rate_limits=_HAS_DEFAULT_FACTORY,max_in_flight:_type_max_in_flight=_HAS_DEFAULT_FACTORY,metrics_listen:_type_metrics_listen=_dflt_metrics_listen,metrics_per_person:_type_metrics_per_person=_dflt_metrics_per_person,stop_timeout_seconds:_type_stop_timeout_seconds=_dflt_stop_timeout_seconds,sync_wait_seconds:_type_sync_wait_seconds=_dflt_sync_wait_seconds)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'jitter_seconds',jitter_seconds)
  __dataclass_builtins_object__.__setattr__(self,'lease_seconds',lease_seconds)
  __dataclass_builtins_object__.__setattr__(self,'workers',workers)
  __dataclass_builtins_object__.__setattr__(self,'pause_after_failures',pause_after_failures)
  __dataclass_builtins_object__.__setattr__(self,'pause_seconds',pause_seconds)
  __dataclass_builtins_object__.__setattr__(self,'max_pause_seconds',max_pause_seconds)
  __dataclass_builtins_object__.__setattr__(self,'rate_limits',_dflt_rate_limits() if rate_limits is _HAS_DEFAULT_FACTORY else rate_limits)
  __dataclass_builtins_object__.__setattr__(self,'max_in_flight',_dflt_max_in_flight() if max_in_flight is _HAS_DEFAULT_FACTORY else max_in_flight)
  __dataclass_builtins_object__.__setattr__(self,'metrics_listen',metrics_listen)
  __dataclass_builtins_object__.__setattr__(self,'metrics_per_person',metrics_per_person)
  __dataclass_builtins_object__.__setattr__(self,'stop_timeout_seconds',stop_timeout_seconds)
  __dataclass_builtins_object__.__setattr__(self,'sync_wait_seconds',sync_wait_seconds)
 return __init__
CODE["def __create_fn__(_type_jitter_seconds, _type_lease_seconds, _type_workers, _type_pause_after_failures, _type_pause_seconds, _type_max_pause_seconds, _type_rate_limits, _type_max_in_flight, _type_metrics_listen, _type_metrics_per_person, _type_stop_timeout_seconds, _type_sync_wait_seconds, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_jitter_seconds, _dflt_lease_seconds, _dflt_workers, _dflt_pause_after_failures, _dflt_pause_seconds, _dflt_max_pause_seconds, _dflt_rate_limits, _dflt_max_in_flight, _dflt_metrics_listen, _dflt_metrics_per_person, _dflt_stop_timeout_seconds, _dflt_sync_wait_seconds, _return_type):\n def __init__(self,jitter_seconds:_type_jitter_seconds=_dflt_jitter_seconds,lease_seconds:_type_lease_seconds=_dflt_lease_seconds,workers:_type_workers=_dflt_workers,pause_after_failures:_type_pause_after_failures=_dflt_pause_after_failures,pause_seconds:_type_pause_seconds=_dflt_pause_seconds,max_pause_seconds:_type_max_pause_seconds=_dflt_max_pause_seconds,rate_limits:_type_rate_limits=_HAS_DEFAULT_FACTORY,max_in_flight:_type_max_in_flight=_HAS_DEFAULT_FACTORY,metrics_listen:_type_metrics_listen=_dflt_metrics_listen,metrics_per_person:_type_metrics_per_person=_dflt_metrics_per_person,stop_timeout_seconds:_type_stop_timeout_seconds=_dflt_stop_timeout_seconds,sync_wait_seconds:_type_sync_wait_seconds=_dflt_sync_wait_seconds)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'jitter_seconds',jitter_seconds)\n  __dataclass_builtins_object__.__setattr__(self,'lease_seconds',lease_seconds)\n  __dataclass_builtins_object__.__setattr__(self,'workers',workers)\n  __dataclass_builtins_object__.__setattr__(self,'pause_after_failures',pause_after_failures)\n  __dataclass_builtins_object__.__setattr__(self,'pause_seconds',pause_seconds)\n  __dataclass_builtins_object__.__setattr__(self,'max_pause_seconds',max_pause_seconds)\n  __dataclass_builtins_object__.__setattr__(self,'rate_limits',_dflt_rate_limits() if rate_limits is _HAS_DEFAULT_FACTORY else rate_limits)\n  __dataclass_builtins_object__.__setattr__(self,'max_in_flight',_dflt_max_in_flight() if max_in_flight is _HAS_DEFAULT_FACTORY else max_in_flight)\n  __dataclass_builtins_object__.__setattr__(self,'metrics_listen',metrics_listen)\n  __dataclass_builtins_object__.__setattr__(self,'metrics_per_person',metrics_per_person)\n  __dataclass_builtins_object__.__setattr__(self,'stop_timeout_seconds',stop_timeout_seconds)\n  __dataclass_builtins_object__.__setattr__(self,'sync_wait_seconds',sync_wait_seconds)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(jitter_seconds={self.jitter_seconds!r}, lease_seconds={self.lease_seconds!r}, workers={self.workers!r}, pause_after_failures={self.pause_after_failures!r}, pause_seconds={self.pause_seconds!r}, max_pause_seconds={self.max_pause_seconds!r}, rate_limits={self.rate_limits!r}, max_in_flight={self.max_in_flight!r}, metrics_listen={self.metrics_listen!r}, metrics_per_person={self.metrics_per_person!r}, stop_timeout_seconds={self.stop_timeout_seconds!r}, sync_wait_seconds={self.sync_wait_seconds!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(jitter_seconds={self.jitter_seconds!r}, lease_seconds={self.lease_seconds!r}, workers={self.workers!r}, pause_after_failures={self.pause_after_failures!r}, pause_seconds={self.pause_seconds!r}, max_pause_seconds={self.max_pause_seconds!r}, rate_limits={self.rate_limits!r}, max_in_flight={self.max_in_flight!r}, metrics_listen={self.metrics_listen!r}, metrics_per_person={self.metrics_per_person!r}, stop_timeout_seconds={self.stop_timeout_seconds!r}, sync_wait_seconds={self.sync_wait_seconds!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.jitter_seconds,self.lease_seconds,self.workers,self.pause_after_failures,self.pause_seconds,self.max_pause_seconds,self.rate_limits,self.max_in_flight,self.metrics_listen,self.metrics_per_person,self.stop_timeout_seconds,self.sync_wait_seconds,)==(other.jitter_seconds,other.lease_seconds,other.workers,other.pause_after_failures,other.pause_seconds,other.max_pause_seconds,other.rate_limits,other.max_in_flight,other.metrics_listen,other.metrics_per_person,other.stop_timeout_seconds,other.sync_wait_seconds,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.jitter_seconds,self.lease_seconds,self.workers,self.pause_after_failures,self.pause_seconds,self.max_pause_seconds,self.rate_limits,self.max_in_flight,self.metrics_listen,self.metrics_per_person,self.stop_timeout_seconds,self.sync_wait_seconds,)==(other.jitter_seconds,other.lease_seconds,other.workers,other.pause_after_failures,other.pause_seconds,other.max_pause_seconds,other.rate_limits,other.max_in_flight,other.metrics_listen,other.metrics_per_person,other.stop_timeout_seconds,other.sync_wait_seconds,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('jitter_seconds','lease_seconds','workers','pause_after_failures','pause_seconds','max_pause_seconds','rate_limits','max_in_flight','metrics_listen','metrics_per_person','stop_timeout_seconds','sync_wait_seconds',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'jitter_seconds\',\'lease_seconds\',\'workers\',\'pause_after_failures\',\'pause_seconds\',\'max_pause_seconds\',\'rate_limits\',\'max_in_flight\',\'metrics_listen\',\'metrics_per_person\',\'stop_timeout_seconds\',\'sync_wait_seconds\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('jitter_seconds','lease_seconds','workers','pause_after_failures','pause_seconds','max_pause_seconds','rate_limits','max_in_flight','metrics_listen','metrics_per_person','stop_timeout_seconds','sync_wait_seconds',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'jitter_seconds\',\'lease_seconds\',\'workers\',\'pause_after_failures\',\'pause_seconds\',\'max_pause_seconds\',\'rate_limits\',\'max_in_flight\',\'metrics_listen\',\'metrics_per_person\',\'stop_timeout_seconds\',\'sync_wait_seconds\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.jitter_seconds,self.lease_seconds,self.workers,self.pause_after_failures,self.pause_seconds,self.max_pause_seconds,self.rate_limits,self.max_in_flight,self.metrics_listen,self.metrics_per_person,self.stop_timeout_seconds,self.sync_wait_seconds,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.jitter_seconds,self.lease_seconds,self.workers,self.pause_after_failures,self.pause_seconds,self.max_pause_seconds,self.rate_limits,self.max_in_flight,self.metrics_listen,self.metrics_per_person,self.stop_timeout_seconds,self.sync_wait_seconds,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_books, _type_store_url, _type_log_format, _type_log_level, _type_log_personal_data, _type_source, _type_daemon, _type_key_lines, _type_secret_files, _type_allow_world_readable, _type_distributions, _type_templates, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_log_format, _dflt_log_level, _dflt_log_personal_data, _dflt_source, _dflt_daemon, _dflt_key_lines, _dflt_secret_files, _dflt_allow_world_readable, _dflt_distributions, _dflt_templates, _return_type):
 def __init__(self,books:_type_books,store_url:_type_store_url,log_format:_type_log_format=_dflt_log_format,log_level:_type_log_level=_dflt_log_level,log_personal_data:_type_log_personal_data=_dflt_log_personal_data,source:_type_source=_dflt_source,daemon:_type_daemon=_dflt_daemon,key_lines:_type_key_lines=_HAS_DEFAULT_FACTORY,secret_files:_type_secret_files=_dflt_secret_files,allow_world_readable:_type_allow_world_readable=_dflt_allow_world_readable,distributions:_type_distributions=_dflt_distributions,templates:_type_templates=_dflt_templates)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'books',books)
  __dataclass_builtins_object__.__setattr__(self,'store_url',store_url)
  __dataclass_builtins_object__.__setattr__(self,'log_format',log_format)
  __dataclass_builtins_object__.__setattr__(self,'log_level',log_level)
  __dataclass_builtins_object__.__setattr__(self,'log_personal_data',log_personal_data)
  __dataclass_builtins_object__.__setattr__(self,'source',source)
  __dataclass_builtins_object__.__setattr__(self,'daemon',daemon)
  __dataclass_builtins_object__.__setattr__(self,'key_lines',_dflt_key_lines() if key_lines is _HAS_DEFAULT_FACTORY else key_lines)
  __dataclass_builtins_object__.__setattr__(self,'secret_files',secret_files)
  __dataclass_builtins_object__.__setattr__(self,'allow_world_readable',allow_world_readable)
  __dataclass_builtins_object__.__setattr__(self,'distributions',distributions)
  __dataclass_builtins_object__.__setattr__(self,'templates',templates)
 return __init__
CODE["def __create_fn__(_type_books, _type_store_url, _type_log_format, _type_log_level, _type_log_personal_data, _type_source, _type_daemon, _type_key_lines, _type_secret_files, _type_allow_world_readable, _type_distributions, _type_templates, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_log_format, _dflt_log_level, _dflt_log_personal_data, _dflt_source, _dflt_daemon, _dflt_key_lines, _dflt_secret_files, _dflt_allow_world_readable, _dflt_distributions, _dflt_templates, _return_type):\n def __init__(self,books:_type_books,store_url:_type_store_url,log_format:_type_log_format=_dflt_log_format,log_level:_type_log_level=_dflt_log_level,log_personal_data:_type_log_personal_data=_dflt_log_personal_data,source:_type_source=_dflt_source,daemon:_type_daemon=_dflt_daemon,key_lines:_type_key_lines=_HAS_DEFAULT_FACTORY,secret_files:_type_secret_files=_dflt_secret_files,allow_world_readable:_type_allow_world_readable=_dflt_allow_world_readable,distributions:_type_distributions=_dflt_distributions,templates:_type_templates=_dflt_templates)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'books',books)\n  __dataclass_builtins_object__.__setattr__(self,'store_url',store_url)\n  __dataclass_builtins_object__.__setattr__(self,'log_format',log_format)\n  __dataclass_builtins_object__.__setattr__(self,'log_level',log_level)\n  __dataclass_builtins_object__.__setattr__(self,'log_personal_data',log_personal_data)\n  __dataclass_builtins_object__.__setattr__(self,'source',source)\n  __dataclass_builtins_object__.__setattr__(self,'daemon',daemon)\n  __dataclass_builtins_object__.__setattr__(self,'key_lines',_dflt_key_lines() if key_lines is _HAS_DEFAULT_FACTORY else key_lines)\n  __dataclass_builtins_object__.__setattr__(self,'secret_files',secret_files)\n  __dataclass_builtins_object__.__setattr__(self,'allow_world_readable',allow_world_readable)\n  __dataclass_builtins_object__.__setattr__(self,'distributions',distributions)\n  __dataclass_builtins_object__.__setattr__(self,'templates',templates)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(books={self.books!r}, store_url={self.store_url!r}, log_format={self.log_format!r}, log_level={self.log_level!r}, log_personal_data={self.log_personal_data!r}, source={self.source!r}, daemon={self.daemon!r}, secret_files={self.secret_files!r}, allow_world_readable={self.allow_world_readable!r}, distributions={self.distributions!r}, templates={self.templates!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(books={self.books!r}, store_url={self.store_url!r}, log_format={self.log_format!r}, log_level={self.log_level!r}, log_personal_data={self.log_personal_data!r}, source={self.source!r}, daemon={self.daemon!r}, secret_files={self.secret_files!r}, allow_world_readable={self.allow_world_readable!r}, distributions={self.distributions!r}, templates={self.templates!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.books,self.store_url,self.log_format,self.log_level,self.log_personal_data,self.source,self.daemon,self.allow_world_readable,self.distributions,self.templates,)==(other.books,other.store_url,other.log_format,other.log_level,other.log_personal_data,other.source,other.daemon,other.allow_world_readable,other.distributions,other.templates,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.books,self.store_url,self.log_format,self.log_level,self.log_personal_data,self.source,self.daemon,self.allow_world_readable,self.distributions,self.templates,)==(other.books,other.store_url,other.log_format,other.log_level,other.log_personal_data,other.source,other.daemon,other.allow_world_readable,other.distributions,other.templates,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('books','store_url','log_format','log_level','log_personal_data','source','daemon','key_lines','secret_files','allow_world_readable','distributions','templates',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'books\',\'store_url\',\'log_format\',\'log_level\',\'log_personal_data\',\'source\',\'daemon\',\'key_lines\',\'secret_files\',\'allow_world_readable\',\'distributions\',\'templates\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('books','store_url','log_format','log_level','log_personal_data','source','daemon','key_lines','secret_files','allow_world_readable','distributions','templates',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'books\',\'store_url\',\'log_format\',\'log_level\',\'log_personal_data\',\'source\',\'daemon\',\'key_lines\',\'secret_files\',\'allow_world_readable\',\'distributions\',\'templates\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.books,self.store_url,self.log_format,self.log_level,self.log_personal_data,self.source,self.daemon,self.allow_world_readable,self.distributions,self.templates,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.books,self.store_url,self.log_format,self.log_level,self.log_personal_data,self.source,self.daemon,self.allow_world_readable,self.distributions,self.templates,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_seconds, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,seconds:_type_seconds)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'seconds',seconds)
 return __init__
CODE["def __create_fn__(_type_seconds, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,seconds:_type_seconds)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'seconds',seconds)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(seconds={self.seconds!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(seconds={self.seconds!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.seconds,)==(other.seconds,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.seconds,)==(other.seconds,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('seconds',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'seconds\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('seconds',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'seconds\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.seconds,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.seconds,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_minute, _type_hour, _type_day, _type_month, _type_day_of_week, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,minute:_type_minute,hour:_type_hour,day:_type_day,month:_type_month,day_of_week:_type_day_of_week)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'minute',minute)
  __dataclass_builtins_object__.__setattr__(self,'hour',hour)
  __dataclass_builtins_object__.__setattr__(self,'day',day)
  __dataclass_builtins_object__.__setattr__(self,'month',month)
  __dataclass_builtins_object__.__setattr__(self,'day_of_week',day_of_week)
 return __init__
CODE["def __create_fn__(_type_minute, _type_hour, _type_day, _type_month, _type_day_of_week, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,minute:_type_minute,hour:_type_hour,day:_type_day,month:_type_month,day_of_week:_type_day_of_week)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'minute',minute)\n  __dataclass_builtins_object__.__setattr__(self,'hour',hour)\n  __dataclass_builtins_object__.__setattr__(self,'day',day)\n  __dataclass_builtins_object__.__setattr__(self,'month',month)\n  __dataclass_builtins_object__.__setattr__(self,'day_of_week',day_of_week)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(minute={self.minute!r}, hour={self.hour!r}, day={self.day!r}, month={self.month!r}, day_of_week={self.day_of_week!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(minute={self.minute!r}, hour={self.hour!r}, day={self.day!r}, month={self.month!r}, day_of_week={self.day_of_week!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.minute,self.hour,self.day,self.month,self.day_of_week,)==(other.minute,other.hour,other.day,other.month,other.day_of_week,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.minute,self.hour,self.day,self.month,self.day_of_week,)==(other.minute,other.hour,other.day,other.month,other.day_of_week,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('minute','hour','day','month','day_of_week',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'minute\',\'hour\',\'day\',\'month\',\'day_of_week\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('minute','hour','day','month','day_of_week',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'minute\',\'hour\',\'day\',\'month\',\'day_of_week\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.minute,self.hour,self.day,self.month,self.day_of_week,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.minute,self.hour,self.day,self.month,self.day_of_week,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_name, _type_low, _type_high, _type_names, _type_first_named, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_names, _dflt_first_named, _return_type):
 def __init__(self,name:_type_name,low:_type_low,high:_type_high,names:_type_names=_dflt_names,first_named:_type_first_named=_dflt_first_named)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'name',name)
  __dataclass_builtins_object__.__setattr__(self,'low',low)
  __dataclass_builtins_object__.__setattr__(self,'high',high)
  __dataclass_builtins_object__.__setattr__(self,'names',names)
  __dataclass_builtins_object__.__setattr__(self,'first_named',first_named)
 return __init__
CODE["def __create_fn__(_type_name, _type_low, _type_high, _type_names, _type_first_named, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_names, _dflt_first_named, _return_type):\n def __init__(self,name:_type_name,low:_type_low,high:_type_high,names:_type_names=_dflt_names,first_named:_type_first_named=_dflt_first_named)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'name',name)\n  __dataclass_builtins_object__.__setattr__(self,'low',low)\n  __dataclass_builtins_object__.__setattr__(self,'high',high)\n  __dataclass_builtins_object__.__setattr__(self,'names',names)\n  __dataclass_builtins_object__.__setattr__(self,'first_named',first_named)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(name={self.name!r}, low={self.low!r}, high={self.high!r}, names={self.names!r}, first_named={self.first_named!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(name={self.name!r}, low={self.low!r}, high={self.high!r}, names={self.names!r}, first_named={self.first_named!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.name,self.low,self.high,self.names,self.first_named,)==(other.name,other.low,other.high,other.names,other.first_named,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.name,self.low,self.high,self.names,self.first_named,)==(other.name,other.low,other.high,other.names,other.first_named,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('name','low','high','names','first_named',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'name\',\'low\',\'high\',\'names\',\'first_named\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('name','low','high','names','first_named',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'name\',\'low\',\'high\',\'names\',\'first_named\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.name,self.low,self.high,self.names,self.first_named,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.name,self.low,self.high,self.names,self.first_named,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_name, _type_key, _type_source, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,name:_type_name,key:_type_key,source:_type_source)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'name',name)
  __dataclass_builtins_object__.__setattr__(self,'key',key)
  __dataclass_builtins_object__.__setattr__(self,'source',source)
 return __init__
CODE["def __create_fn__(_type_name, _type_key, _type_source, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,name:_type_name,key:_type_key,source:_type_source)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'name',name)\n  __dataclass_builtins_object__.__setattr__(self,'key',key)\n  __dataclass_builtins_object__.__setattr__(self,'source',source)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(name={self.name!r}, key={self.key!r}, source={self.source!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(name={self.name!r}, key={self.key!r}, source={self.source!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.name,self.key,self.source,)==(other.name,other.key,other.source,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.name,self.key,self.source,)==(other.name,other.key,other.source,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('name','key','source',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'name\',\'key\',\'source\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('name','key','source',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'name\',\'key\',\'source\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.name,self.key,self.source,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.name,self.key,self.source,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_environ, _type_base_dir, _type_allow_world_readable, _type_skip_reading, _type_defer_unreadable, _type_files_read, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_allow_world_readable, _dflt_skip_reading, _dflt_defer_unreadable, _dflt_files_read, _return_type):
 def __init__(self,environ:_type_environ,base_dir:_type_base_dir,allow_world_readable:_type_allow_world_readable=_dflt_allow_world_readable,skip_reading:_type_skip_reading=_dflt_skip_reading,defer_unreadable:_type_defer_unreadable=_dflt_defer_unreadable,files_read:_type_files_read=_HAS_DEFAULT_FACTORY)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'environ',environ)
  __dataclass_builtins_object__.__setattr__(self,'base_dir',base_dir)
  __dataclass_builtins_object__.__setattr__(self,'allow_world_readable',allow_world_readable)
  __dataclass_builtins_object__.__setattr__(self,'skip_reading',skip_reading)
  __dataclass_builtins_object__.__setattr__(self,'defer_unreadable',defer_unreadable)
  __dataclass_builtins_object__.__setattr__(self,'files_read',_dflt_files_read() if files_read is _HAS_DEFAULT_FACTORY else files_read)
 return __init__
CODE["def __create_fn__(_type_environ, _type_base_dir, _type_allow_world_readable, _type_skip_reading, _type_defer_unreadable, _type_files_read, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_allow_world_readable, _dflt_skip_reading, _dflt_defer_unreadable, _dflt_files_read, _return_type):\n def __init__(self,environ:_type_environ,base_dir:_type_base_dir,allow_world_readable:_type_allow_world_readable=_dflt_allow_world_readable,skip_reading:_type_skip_reading=_dflt_skip_reading,defer_unreadable:_type_defer_unreadable=_dflt_defer_unreadable,files_read:_type_files_read=_HAS_DEFAULT_FACTORY)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'environ',environ)\n  __dataclass_builtins_object__.__setattr__(self,'base_dir',base_dir)\n  __dataclass_builtins_object__.__setattr__(self,'allow_world_readable',allow_world_readable)\n  __dataclass_builtins_object__.__setattr__(self,'skip_reading',skip_reading)\n  __dataclass_builtins_object__.__setattr__(self,'defer_unreadable',defer_unreadable)\n  __dataclass_builtins_object__.__setattr__(self,'files_read',_dflt_files_read() if files_read is _HAS_DEFAULT_FACTORY else files_read)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(environ={self.environ!r}, base_dir={self.base_dir!r}, allow_world_readable={self.allow_world_readable!r}, skip_reading={self.skip_reading!r}, defer_unreadable={self.defer_unreadable!r}, files_read={self.files_read!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(environ={self.environ!r}, base_dir={self.base_dir!r}, allow_world_readable={self.allow_world_readable!r}, skip_reading={self.skip_reading!r}, defer_unreadable={self.defer_unreadable!r}, files_read={self.files_read!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.environ,self.base_dir,self.allow_world_readable,self.skip_reading,self.defer_unreadable,)==(other.environ,other.base_dir,other.allow_world_readable,other.skip_reading,other.defer_unreadable,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.environ,self.base_dir,self.allow_world_readable,self.skip_reading,self.defer_unreadable,)==(other.environ,other.base_dir,other.allow_world_readable,other.skip_reading,other.defer_unreadable,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('environ','base_dir','allow_world_readable','skip_reading','defer_unreadable','files_read',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'environ\',\'base_dir\',\'allow_world_readable\',\'skip_reading\',\'defer_unreadable\',\'files_read\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('environ','base_dir','allow_world_readable','skip_reading','defer_unreadable','files_read',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'environ\',\'base_dir\',\'allow_world_readable\',\'skip_reading\',\'defer_unreadable\',\'files_read\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.environ,self.base_dir,self.allow_world_readable,self.skip_reading,self.defer_unreadable,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.environ,self.base_dir,self.allow_world_readable,self.skip_reading,self.defer_unreadable,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_options, _type_secrets, _type_origins, _type_refused, _type_unreadable, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_refused, _dflt_unreadable, _return_type):
 def __init__(self,options:_type_options,secrets:_type_secrets,origins:_type_origins,refused:_type_refused=_HAS_DEFAULT_FACTORY,unreadable:_type_unreadable=_HAS_DEFAULT_FACTORY)->_return_type:
  self.options=options
  self.secrets=secrets
  self.origins=origins
  self.refused=_dflt_refused() if refused is _HAS_DEFAULT_FACTORY else refused
  self.unreadable=_dflt_unreadable() if unreadable is _HAS_DEFAULT_FACTORY else unreadable
 return __init__
CODE['def __create_fn__(_type_options, _type_secrets, _type_origins, _type_refused, _type_unreadable, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_refused, _dflt_unreadable, _return_type):\n def __init__(self,options:_type_options,secrets:_type_secrets,origins:_type_origins,refused:_type_refused=_HAS_DEFAULT_FACTORY,unreadable:_type_unreadable=_HAS_DEFAULT_FACTORY)->_return_type:\n  self.options=options\n  self.secrets=secrets\n  self.origins=origins\n  self.refused=_dflt_refused() if refused is _HAS_DEFAULT_FACTORY else refused\n  self.unreadable=_dflt_unreadable() if unreadable is _HAS_DEFAULT_FACTORY else unreadable\n return __init__'] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(options={self.options!r}, secrets={self.secrets!r}, origins={self.origins!r}, refused={self.refused!r}, unreadable={self.unreadable!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(options={self.options!r}, secrets={self.secrets!r}, origins={self.origins!r}, refused={self.refused!r}, unreadable={self.unreadable!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.options,self.secrets,self.origins,self.refused,self.unreadable,)==(other.options,other.secrets,other.origins,other.refused,other.unreadable,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.options,self.secrets,self.origins,self.refused,self.unreadable,)==(other.options,other.secrets,other.origins,other.refused,other.unreadable,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(_type_options, _type_secrets, _type_unreadable, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_unreadable, _return_type):
 def __init__(self,options:_type_options,secrets:_type_secrets,unreadable:_type_unreadable=_dflt_unreadable)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'options',options)
  __dataclass_builtins_object__.__setattr__(self,'secrets',secrets)
  __dataclass_builtins_object__.__setattr__(self,'unreadable',unreadable)
 return __init__
CODE["def __create_fn__(_type_options, _type_secrets, _type_unreadable, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_unreadable, _return_type):\n def __init__(self,options:_type_options,secrets:_type_secrets,unreadable:_type_unreadable=_dflt_unreadable)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'options',options)\n  __dataclass_builtins_object__.__setattr__(self,'secrets',secrets)\n  __dataclass_builtins_object__.__setattr__(self,'unreadable',unreadable)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(options={self.options!r}, secrets={self.secrets!r}, unreadable={self.unreadable!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(options={self.options!r}, secrets={self.secrets!r}, unreadable={self.unreadable!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.options,self.secrets,self.unreadable,)==(other.options,other.secrets,other.unreadable,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.options,self.secrets,self.unreadable,)==(other.options,other.secrets,other.unreadable,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('options','secrets','unreadable',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'options\',\'secrets\',\'unreadable\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('options','secrets','unreadable',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'options\',\'secrets\',\'unreadable\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.options,self.secrets,self.unreadable,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.options,self.secrets,self.unreadable,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_schema, _type_key, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,schema:_type_schema,key:_type_key)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'schema',schema)
  __dataclass_builtins_object__.__setattr__(self,'key',key)
 return __init__
CODE["def __create_fn__(_type_schema, _type_key, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,schema:_type_schema,key:_type_key)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'schema',schema)\n  __dataclass_builtins_object__.__setattr__(self,'key',key)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(schema={self.schema!r}, key={self.key!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(schema={self.schema!r}, key={self.key!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.schema,self.key,)==(other.schema,other.key,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.schema,self.key,)==(other.schema,other.key,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('schema','key',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'schema\',\'key\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('schema','key',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'schema\',\'key\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.schema,self.key,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.schema,self.key,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_linked, _type_pending, _type_failed, _type_last_error, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,linked:_type_linked,pending:_type_pending,failed:_type_failed,last_error:_type_last_error)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'linked',linked)
  __dataclass_builtins_object__.__setattr__(self,'pending',pending)
  __dataclass_builtins_object__.__setattr__(self,'failed',failed)
  __dataclass_builtins_object__.__setattr__(self,'last_error',last_error)
 return __init__
CODE["def __create_fn__(_type_linked, _type_pending, _type_failed, _type_last_error, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,linked:_type_linked,pending:_type_pending,failed:_type_failed,last_error:_type_last_error)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'linked',linked)\n  __dataclass_builtins_object__.__setattr__(self,'pending',pending)\n  __dataclass_builtins_object__.__setattr__(self,'failed',failed)\n  __dataclass_builtins_object__.__setattr__(self,'last_error',last_error)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(linked={self.linked!r}, pending={self.pending!r}, failed={self.failed!r}, last_error={self.last_error!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(linked={self.linked!r}, pending={self.pending!r}, failed={self.failed!r}, last_error={self.last_error!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.linked,self.pending,self.failed,self.last_error,)==(other.linked,other.pending,other.failed,other.last_error,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.linked,self.pending,self.failed,self.last_error,)==(other.linked,other.pending,other.failed,other.last_error,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('linked','pending','failed','last_error',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'linked\',\'pending\',\'failed\',\'last_error\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('linked','pending','failed','last_error',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'linked\',\'pending\',\'failed\',\'last_error\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.linked,self.pending,self.failed,self.last_error,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.linked,self.pending,self.failed,self.last_error,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_transaction_was_reset, _type_terminate_only, _type_asyncio_safe, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,transaction_was_reset:_type_transaction_was_reset,terminate_only:_type_terminate_only,asyncio_safe:_type_asyncio_safe)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'transaction_was_reset',transaction_was_reset)
  __dataclass_builtins_object__.__setattr__(self,'terminate_only',terminate_only)
  __dataclass_builtins_object__.__setattr__(self,'asyncio_safe',asyncio_safe)
 return __init__
CODE["def __create_fn__(_type_transaction_was_reset, _type_terminate_only, _type_asyncio_safe, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,transaction_was_reset:_type_transaction_was_reset,terminate_only:_type_terminate_only,asyncio_safe:_type_asyncio_safe)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'transaction_was_reset',transaction_was_reset)\n  __dataclass_builtins_object__.__setattr__(self,'terminate_only',terminate_only)\n  __dataclass_builtins_object__.__setattr__(self,'asyncio_safe',asyncio_safe)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(transaction_was_reset={self.transaction_was_reset!r}, terminate_only={self.terminate_only!r}, asyncio_safe={self.asyncio_safe!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(transaction_was_reset={self.transaction_was_reset!r}, terminate_only={self.terminate_only!r}, asyncio_safe={self.asyncio_safe!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.transaction_was_reset,self.terminate_only,self.asyncio_safe,)==(other.transaction_was_reset,other.terminate_only,other.asyncio_safe,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.transaction_was_reset,self.terminate_only,self.asyncio_safe,)==(other.transaction_was_reset,other.terminate_only,other.asyncio_safe,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('transaction_was_reset','terminate_only','asyncio_safe',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'transaction_was_reset\',\'terminate_only\',\'asyncio_safe\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('transaction_was_reset','terminate_only','asyncio_safe',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'transaction_was_reset\',\'terminate_only\',\'asyncio_safe\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.transaction_was_reset,self.terminate_only,self.asyncio_safe,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.transaction_was_reset,self.terminate_only,self.asyncio_safe,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_columns, _type_pk_constraint, _type_foreign_keys, _type_indexes, _type_unique_constraints, _type_table_comment, _type_check_constraints, _type_table_options, _type_unreflectable, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,columns:_type_columns,pk_constraint:_type_pk_constraint,foreign_keys:_type_foreign_keys,indexes:_type_indexes,unique_constraints:_type_unique_constraints,table_comment:_type_table_comment,check_constraints:_type_check_constraints,table_options:_type_table_options,unreflectable:_type_unreflectable)->_return_type:
  self.columns=columns
  self.pk_constraint=pk_constraint
  self.foreign_keys=foreign_keys
  self.indexes=indexes
  self.unique_constraints=unique_constraints
  self.table_comment=table_comment
  self.check_constraints=check_constraints
  self.table_options=table_options
  self.unreflectable=unreflectable
 return __init__
CODE['def __create_fn__(_type_columns, _type_pk_constraint, _type_foreign_keys, _type_indexes, _type_unique_constraints, _type_table_comment, _type_check_constraints, _type_table_options, _type_unreflectable, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,columns:_type_columns,pk_constraint:_type_pk_constraint,foreign_keys:_type_foreign_keys,indexes:_type_indexes,unique_constraints:_type_unique_constraints,table_comment:_type_table_comment,check_constraints:_type_check_constraints,table_options:_type_table_options,unreflectable:_type_unreflectable)->_return_type:\n  self.columns=columns\n  self.pk_constraint=pk_constraint\n  self.foreign_keys=foreign_keys\n  self.indexes=indexes\n  self.unique_constraints=unique_constraints\n  self.table_comment=table_comment\n  self.check_constraints=check_constraints\n  self.table_options=table_options\n  self.unreflectable=unreflectable\n return __init__'] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(columns={self.columns!r}, pk_constraint={self.pk_constraint!r}, foreign_keys={self.foreign_keys!r}, indexes={self.indexes!r}, unique_constraints={self.unique_constraints!r}, table_comment={self.table_comment!r}, check_constraints={self.check_constraints!r}, table_options={self.table_options!r}, unreflectable={self.unreflectable!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(columns={self.columns!r}, pk_constraint={self.pk_constraint!r}, foreign_keys={self.foreign_keys!r}, indexes={self.indexes!r}, unique_constraints={self.unique_constraints!r}, table_comment={self.table_comment!r}, check_constraints={self.check_constraints!r}, table_options={self.table_options!r}, unreflectable={self.unreflectable!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.columns,self.pk_constraint,self.foreign_keys,self.indexes,self.unique_constraints,self.table_comment,self.check_constraints,self.table_options,self.unreflectable,)==(other.columns,other.pk_constraint,other.foreign_keys,other.indexes,other.unique_constraints,other.table_comment,other.check_constraints,other.table_options,other.unreflectable,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.columns,self.pk_constraint,self.foreign_keys,self.indexes,self.unique_constraints,self.table_comment,self.check_constraints,self.table_options,self.unreflectable,)==(other.columns,other.pk_constraint,other.foreign_keys,other.indexes,other.unique_constraints,other.table_comment,other.check_constraints,other.table_options,other.unreflectable,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(_type_id, _type_run_id, _type_at, _type_book, _type_account, _type_contact_id, _type_action, _type_field, _type_before, _type_after, _type_note, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,id:_type_id,run_id:_type_run_id,at:_type_at,book:_type_book,account:_type_account,contact_id:_type_contact_id,action:_type_action,field:_type_field,before:_type_before,after:_type_after,note:_type_note)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'id',id)
  __dataclass_builtins_object__.__setattr__(self,'run_id',run_id)
  __dataclass_builtins_object__.__setattr__(self,'at',at)
  __dataclass_builtins_object__.__setattr__(self,'book',book)
  __dataclass_builtins_object__.__setattr__(self,'account',account)
  __dataclass_builtins_object__.__setattr__(self,'contact_id',contact_id)
  __dataclass_builtins_object__.__setattr__(self,'action',action)
  __dataclass_builtins_object__.__setattr__(self,'field',field)
  __dataclass_builtins_object__.__setattr__(self,'before',before)
  __dataclass_builtins_object__.__setattr__(self,'after',after)
  __dataclass_builtins_object__.__setattr__(self,'note',note)
 return __init__
CODE["def __create_fn__(_type_id, _type_run_id, _type_at, _type_book, _type_account, _type_contact_id, _type_action, _type_field, _type_before, _type_after, _type_note, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,id:_type_id,run_id:_type_run_id,at:_type_at,book:_type_book,account:_type_account,contact_id:_type_contact_id,action:_type_action,field:_type_field,before:_type_before,after:_type_after,note:_type_note)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'id',id)\n  __dataclass_builtins_object__.__setattr__(self,'run_id',run_id)\n  __dataclass_builtins_object__.__setattr__(self,'at',at)\n  __dataclass_builtins_object__.__setattr__(self,'book',book)\n  __dataclass_builtins_object__.__setattr__(self,'account',account)\n  __dataclass_builtins_object__.__setattr__(self,'contact_id',contact_id)\n  __dataclass_builtins_object__.__setattr__(self,'action',action)\n  __dataclass_builtins_object__.__setattr__(self,'field',field)\n  __dataclass_builtins_object__.__setattr__(self,'before',before)\n  __dataclass_builtins_object__.__setattr__(self,'after',after)\n  __dataclass_builtins_object__.__setattr__(self,'note',note)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(id={self.id!r}, run_id={self.run_id!r}, at={self.at!r}, book={self.book!r}, account={self.account!r}, contact_id={self.contact_id!r}, action={self.action!r}, field={self.field!r}, before={self.before!r}, after={self.after!r}, note={self.note!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(id={self.id!r}, run_id={self.run_id!r}, at={self.at!r}, book={self.book!r}, account={self.account!r}, contact_id={self.contact_id!r}, action={self.action!r}, field={self.field!r}, before={self.before!r}, after={self.after!r}, note={self.note!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.id,self.run_id,self.at,self.book,self.account,self.contact_id,self.action,self.field,self.before,self.after,self.note,)==(other.id,other.run_id,other.at,other.book,other.account,other.contact_id,other.action,other.field,other.before,other.after,other.note,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.id,self.run_id,self.at,self.book,self.account,self.contact_id,self.action,self.field,self.before,self.after,self.note,)==(other.id,other.run_id,other.at,other.book,other.account,other.contact_id,other.action,other.field,other.before,other.after,other.note,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('id','run_id','at','book','account','contact_id','action','field','before','after','note',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'id\',\'run_id\',\'at\',\'book\',\'account\',\'contact_id\',\'action\',\'field\',\'before\',\'after\',\'note\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('id','run_id','at','book','account','contact_id','action','field','before','after','note',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'id\',\'run_id\',\'at\',\'book\',\'account\',\'contact_id\',\'action\',\'field\',\'before\',\'after\',\'note\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.id,self.run_id,self.at,self.book,self.account,self.contact_id,self.action,self.field,self.before,self.after,self.note,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.id,self.run_id,self.at,self.book,self.account,self.contact_id,self.action,self.field,self.before,self.after,self.note,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_id, _type_book, _type_contact_id, _type_field, _type_candidates, _type_created_at, _type_resolved_at, _type_resolution, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,id:_type_id,book:_type_book,contact_id:_type_contact_id,field:_type_field,candidates:_type_candidates,created_at:_type_created_at,resolved_at:_type_resolved_at,resolution:_type_resolution)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'id',id)
  __dataclass_builtins_object__.__setattr__(self,'book',book)
  __dataclass_builtins_object__.__setattr__(self,'contact_id',contact_id)
  __dataclass_builtins_object__.__setattr__(self,'field',field)
  __dataclass_builtins_object__.__setattr__(self,'candidates',candidates)
  __dataclass_builtins_object__.__setattr__(self,'created_at',created_at)
  __dataclass_builtins_object__.__setattr__(self,'resolved_at',resolved_at)
  __dataclass_builtins_object__.__setattr__(self,'resolution',resolution)
 return __init__
CODE["def __create_fn__(_type_id, _type_book, _type_contact_id, _type_field, _type_candidates, _type_created_at, _type_resolved_at, _type_resolution, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,id:_type_id,book:_type_book,contact_id:_type_contact_id,field:_type_field,candidates:_type_candidates,created_at:_type_created_at,resolved_at:_type_resolved_at,resolution:_type_resolution)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'id',id)\n  __dataclass_builtins_object__.__setattr__(self,'book',book)\n  __dataclass_builtins_object__.__setattr__(self,'contact_id',contact_id)\n  __dataclass_builtins_object__.__setattr__(self,'field',field)\n  __dataclass_builtins_object__.__setattr__(self,'candidates',candidates)\n  __dataclass_builtins_object__.__setattr__(self,'created_at',created_at)\n  __dataclass_builtins_object__.__setattr__(self,'resolved_at',resolved_at)\n  __dataclass_builtins_object__.__setattr__(self,'resolution',resolution)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(id={self.id!r}, book={self.book!r}, contact_id={self.contact_id!r}, field={self.field!r}, candidates={self.candidates!r}, created_at={self.created_at!r}, resolved_at={self.resolved_at!r}, resolution={self.resolution!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(id={self.id!r}, book={self.book!r}, contact_id={self.contact_id!r}, field={self.field!r}, candidates={self.candidates!r}, created_at={self.created_at!r}, resolved_at={self.resolved_at!r}, resolution={self.resolution!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.id,self.book,self.contact_id,self.field,self.candidates,self.created_at,self.resolved_at,self.resolution,)==(other.id,other.book,other.contact_id,other.field,other.candidates,other.created_at,other.resolved_at,other.resolution,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.id,self.book,self.contact_id,self.field,self.candidates,self.created_at,self.resolved_at,self.resolution,)==(other.id,other.book,other.contact_id,other.field,other.candidates,other.created_at,other.resolved_at,other.resolution,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('id','book','contact_id','field','candidates','created_at','resolved_at','resolution',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'id\',\'book\',\'contact_id\',\'field\',\'candidates\',\'created_at\',\'resolved_at\',\'resolution\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('id','book','contact_id','field','candidates','created_at','resolved_at','resolution',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'id\',\'book\',\'contact_id\',\'field\',\'candidates\',\'created_at\',\'resolved_at\',\'resolution\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.id,self.book,self.contact_id,self.field,self.candidates,self.created_at,self.resolved_at,self.resolution,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.id,self.book,self.contact_id,self.field,self.candidates,self.created_at,self.resolved_at,self.resolution,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_id, _type_book, _type_contact, _type_updated_at, _type_deleted_at, _type_erased, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_erased, _return_type):
 def __init__(self,id:_type_id,book:_type_book,contact:_type_contact,updated_at:_type_updated_at,deleted_at:_type_deleted_at,erased:_type_erased=_dflt_erased)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'id',id)
  __dataclass_builtins_object__.__setattr__(self,'book',book)
  __dataclass_builtins_object__.__setattr__(self,'contact',contact)
  __dataclass_builtins_object__.__setattr__(self,'updated_at',updated_at)
  __dataclass_builtins_object__.__setattr__(self,'deleted_at',deleted_at)
  __dataclass_builtins_object__.__setattr__(self,'erased',erased)
 return __init__
CODE["def __create_fn__(_type_id, _type_book, _type_contact, _type_updated_at, _type_deleted_at, _type_erased, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_erased, _return_type):\n def __init__(self,id:_type_id,book:_type_book,contact:_type_contact,updated_at:_type_updated_at,deleted_at:_type_deleted_at,erased:_type_erased=_dflt_erased)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'id',id)\n  __dataclass_builtins_object__.__setattr__(self,'book',book)\n  __dataclass_builtins_object__.__setattr__(self,'contact',contact)\n  __dataclass_builtins_object__.__setattr__(self,'updated_at',updated_at)\n  __dataclass_builtins_object__.__setattr__(self,'deleted_at',deleted_at)\n  __dataclass_builtins_object__.__setattr__(self,'erased',erased)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(id={self.id!r}, book={self.book!r}, contact={self.contact!r}, updated_at={self.updated_at!r}, deleted_at={self.deleted_at!r}, erased={self.erased!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(id={self.id!r}, book={self.book!r}, contact={self.contact!r}, updated_at={self.updated_at!r}, deleted_at={self.deleted_at!r}, erased={self.erased!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.id,self.book,self.contact,self.updated_at,self.deleted_at,self.erased,)==(other.id,other.book,other.contact,other.updated_at,other.deleted_at,other.erased,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.id,self.book,self.contact,self.updated_at,self.deleted_at,self.erased,)==(other.id,other.book,other.contact,other.updated_at,other.deleted_at,other.erased,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('id','book','contact','updated_at','deleted_at','erased',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'id\',\'book\',\'contact\',\'updated_at\',\'deleted_at\',\'erased\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('id','book','contact','updated_at','deleted_at','erased',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'id\',\'book\',\'contact\',\'updated_at\',\'deleted_at\',\'erased\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.id,self.book,self.contact,self.updated_at,self.deleted_at,self.erased,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.id,self.book,self.contact,self.updated_at,self.deleted_at,self.erased,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_etag, _type_body, _type__packed, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt__packed, _return_type):
 def __init__(self,etag:_type_etag,body:_type_body)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'etag',etag)
  __dataclass_builtins_object__.__setattr__(self,'body',body)
  __dataclass_builtins_object__.__setattr__(self,'_packed',_dflt__packed)
 return __init__
CODE["def __create_fn__(_type_etag, _type_body, _type__packed, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt__packed, _return_type):\n def __init__(self,etag:_type_etag,body:_type_body)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'etag',etag)\n  __dataclass_builtins_object__.__setattr__(self,'body',body)\n  __dataclass_builtins_object__.__setattr__(self,'_packed',_dflt__packed)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(etag={self.etag!r}, body={self.body!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(etag={self.etag!r}, body={self.body!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.etag,self.body,)==(other.etag,other.body,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.etag,self.body,)==(other.etag,other.body,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('etag','body','_packed',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'etag\',\'body\',\'_packed\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('etag','body','_packed',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'etag\',\'body\',\'_packed\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.etag,self.body,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.etag,self.body,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_name, _type_revision, _type_source_state, _type_planned_at, _type_brake_reason, _type_brake_since, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,name:_type_name,revision:_type_revision,source_state:_type_source_state,planned_at:_type_planned_at,brake_reason:_type_brake_reason,brake_since:_type_brake_since)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'name',name)
  __dataclass_builtins_object__.__setattr__(self,'revision',revision)
  __dataclass_builtins_object__.__setattr__(self,'source_state',source_state)
  __dataclass_builtins_object__.__setattr__(self,'planned_at',planned_at)
  __dataclass_builtins_object__.__setattr__(self,'brake_reason',brake_reason)
  __dataclass_builtins_object__.__setattr__(self,'brake_since',brake_since)
 return __init__
CODE["def __create_fn__(_type_name, _type_revision, _type_source_state, _type_planned_at, _type_brake_reason, _type_brake_since, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,name:_type_name,revision:_type_revision,source_state:_type_source_state,planned_at:_type_planned_at,brake_reason:_type_brake_reason,brake_since:_type_brake_since)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'name',name)\n  __dataclass_builtins_object__.__setattr__(self,'revision',revision)\n  __dataclass_builtins_object__.__setattr__(self,'source_state',source_state)\n  __dataclass_builtins_object__.__setattr__(self,'planned_at',planned_at)\n  __dataclass_builtins_object__.__setattr__(self,'brake_reason',brake_reason)\n  __dataclass_builtins_object__.__setattr__(self,'brake_since',brake_since)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(name={self.name!r}, revision={self.revision!r}, source_state={self.source_state!r}, planned_at={self.planned_at!r}, brake_reason={self.brake_reason!r}, brake_since={self.brake_since!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(name={self.name!r}, revision={self.revision!r}, source_state={self.source_state!r}, planned_at={self.planned_at!r}, brake_reason={self.brake_reason!r}, brake_since={self.brake_since!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.name,self.revision,self.source_state,self.planned_at,self.brake_reason,self.brake_since,)==(other.name,other.revision,other.source_state,other.planned_at,other.brake_reason,other.brake_since,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.name,self.revision,self.source_state,self.planned_at,self.brake_reason,self.brake_since,)==(other.name,other.revision,other.source_state,other.planned_at,other.brake_reason,other.brake_since,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('name','revision','source_state','planned_at','brake_reason','brake_since',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'name\',\'revision\',\'source_state\',\'planned_at\',\'brake_reason\',\'brake_since\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('name','revision','source_state','planned_at','brake_reason','brake_since',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'name\',\'revision\',\'source_state\',\'planned_at\',\'brake_reason\',\'brake_since\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.name,self.revision,self.source_state,self.planned_at,self.brake_reason,self.brake_since,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.name,self.revision,self.source_state,self.planned_at,self.brake_reason,self.brake_since,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_contact_id, _type_source_id, _type_hash, _type_revision, _type_present, _type_owner_keys, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,contact_id:_type_contact_id,source_id:_type_source_id,hash:_type_hash,revision:_type_revision,present:_type_present,owner_keys:_type_owner_keys)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'contact_id',contact_id)
  __dataclass_builtins_object__.__setattr__(self,'source_id',source_id)
  __dataclass_builtins_object__.__setattr__(self,'hash',hash)
  __dataclass_builtins_object__.__setattr__(self,'revision',revision)
  __dataclass_builtins_object__.__setattr__(self,'present',present)
  __dataclass_builtins_object__.__setattr__(self,'owner_keys',owner_keys)
 return __init__
CODE["def __create_fn__(_type_contact_id, _type_source_id, _type_hash, _type_revision, _type_present, _type_owner_keys, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,contact_id:_type_contact_id,source_id:_type_source_id,hash:_type_hash,revision:_type_revision,present:_type_present,owner_keys:_type_owner_keys)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'contact_id',contact_id)\n  __dataclass_builtins_object__.__setattr__(self,'source_id',source_id)\n  __dataclass_builtins_object__.__setattr__(self,'hash',hash)\n  __dataclass_builtins_object__.__setattr__(self,'revision',revision)\n  __dataclass_builtins_object__.__setattr__(self,'present',present)\n  __dataclass_builtins_object__.__setattr__(self,'owner_keys',owner_keys)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(contact_id={self.contact_id!r}, source_id={self.source_id!r}, hash={self.hash!r}, revision={self.revision!r}, present={self.present!r}, owner_keys={self.owner_keys!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(contact_id={self.contact_id!r}, source_id={self.source_id!r}, hash={self.hash!r}, revision={self.revision!r}, present={self.present!r}, owner_keys={self.owner_keys!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.contact_id,self.source_id,self.hash,self.revision,self.present,self.owner_keys,)==(other.contact_id,other.source_id,other.hash,other.revision,other.present,other.owner_keys,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.contact_id,self.source_id,self.hash,self.revision,self.present,self.owner_keys,)==(other.contact_id,other.source_id,other.hash,other.revision,other.present,other.owner_keys,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('contact_id','source_id','hash','revision','present','owner_keys',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'contact_id\',\'source_id\',\'hash\',\'revision\',\'present\',\'owner_keys\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('contact_id','source_id','hash','revision','present','owner_keys',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'contact_id\',\'source_id\',\'hash\',\'revision\',\'present\',\'owner_keys\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.contact_id,self.source_id,self.hash,self.revision,self.present,self.owner_keys,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.contact_id,self.source_id,self.hash,self.revision,self.present,self.owner_keys,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_tried_at, _type_read_at, _type_error, _type_failing_since, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_tried_at, _dflt_read_at, _dflt_error, _dflt_failing_since, _return_type):
 def __init__(self,tried_at:_type_tried_at=_dflt_tried_at,read_at:_type_read_at=_dflt_read_at,error:_type_error=_dflt_error,failing_since:_type_failing_since=_dflt_failing_since)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'tried_at',tried_at)
  __dataclass_builtins_object__.__setattr__(self,'read_at',read_at)
  __dataclass_builtins_object__.__setattr__(self,'error',error)
  __dataclass_builtins_object__.__setattr__(self,'failing_since',failing_since)
 return __init__
CODE["def __create_fn__(_type_tried_at, _type_read_at, _type_error, _type_failing_since, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_tried_at, _dflt_read_at, _dflt_error, _dflt_failing_since, _return_type):\n def __init__(self,tried_at:_type_tried_at=_dflt_tried_at,read_at:_type_read_at=_dflt_read_at,error:_type_error=_dflt_error,failing_since:_type_failing_since=_dflt_failing_since)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'tried_at',tried_at)\n  __dataclass_builtins_object__.__setattr__(self,'read_at',read_at)\n  __dataclass_builtins_object__.__setattr__(self,'error',error)\n  __dataclass_builtins_object__.__setattr__(self,'failing_since',failing_since)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(tried_at={self.tried_at!r}, read_at={self.read_at!r}, error={self.error!r}, failing_since={self.failing_since!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(tried_at={self.tried_at!r}, read_at={self.read_at!r}, error={self.error!r}, failing_since={self.failing_since!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.tried_at,self.read_at,self.error,self.failing_since,)==(other.tried_at,other.read_at,other.error,other.failing_since,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.tried_at,self.read_at,self.error,self.failing_since,)==(other.tried_at,other.read_at,other.error,other.failing_since,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('tried_at','read_at','error','failing_since',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'tried_at\',\'read_at\',\'error\',\'failing_since\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('tried_at','read_at','error','failing_since',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'tried_at\',\'read_at\',\'error\',\'failing_since\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.tried_at,self.read_at,self.error,self.failing_since,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.tried_at,self.read_at,self.error,self.failing_since,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_field, _type_reason, _type_contacts, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,field:_type_field,reason:_type_reason,contacts:_type_contacts)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'field',field)
  __dataclass_builtins_object__.__setattr__(self,'reason',reason)
  __dataclass_builtins_object__.__setattr__(self,'contacts',contacts)
 return __init__
CODE["def __create_fn__(_type_field, _type_reason, _type_contacts, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,field:_type_field,reason:_type_reason,contacts:_type_contacts)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'field',field)\n  __dataclass_builtins_object__.__setattr__(self,'reason',reason)\n  __dataclass_builtins_object__.__setattr__(self,'contacts',contacts)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(field={self.field!r}, reason={self.reason!r}, contacts={self.contacts!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(field={self.field!r}, reason={self.reason!r}, contacts={self.contacts!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.field,self.reason,self.contacts,)==(other.field,other.reason,other.contacts,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.field,self.reason,self.contacts,)==(other.field,other.reason,other.contacts,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('field','reason','contacts',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'field\',\'reason\',\'contacts\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('field','reason','contacts',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'field\',\'reason\',\'contacts\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.field,self.reason,self.contacts,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.field,self.reason,self.contacts,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_contacts, _type_counts, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_contacts, _dflt_counts, _return_type):
 def __init__(self,contacts:_type_contacts=_dflt_contacts,counts:_type_counts=_dflt_counts)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'contacts',contacts)
  __dataclass_builtins_object__.__setattr__(self,'counts',counts)
 return __init__
CODE["def __create_fn__(_type_contacts, _type_counts, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_contacts, _dflt_counts, _return_type):\n def __init__(self,contacts:_type_contacts=_dflt_contacts,counts:_type_counts=_dflt_counts)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'contacts',contacts)\n  __dataclass_builtins_object__.__setattr__(self,'counts',counts)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(contacts={self.contacts!r}, counts={self.counts!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(contacts={self.contacts!r}, counts={self.counts!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.contacts,self.counts,)==(other.contacts,other.counts,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.contacts,self.counts,)==(other.contacts,other.counts,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('contacts','counts',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'contacts\',\'counts\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('contacts','counts',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'contacts\',\'counts\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.contacts,self.counts,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.contacts,self.counts,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_distribution, _type_account, _type_revision, _type_state, _type_last_run_at, _type_last_result, _type_last_error, _type_not_carried, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_not_carried, _return_type):
 def __init__(self,distribution:_type_distribution,account:_type_account,revision:_type_revision,state:_type_state,last_run_at:_type_last_run_at,last_result:_type_last_result,last_error:_type_last_error,not_carried:_type_not_carried=_dflt_not_carried)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'distribution',distribution)
  __dataclass_builtins_object__.__setattr__(self,'account',account)
  __dataclass_builtins_object__.__setattr__(self,'revision',revision)
  __dataclass_builtins_object__.__setattr__(self,'state',state)
  __dataclass_builtins_object__.__setattr__(self,'last_run_at',last_run_at)
  __dataclass_builtins_object__.__setattr__(self,'last_result',last_result)
  __dataclass_builtins_object__.__setattr__(self,'last_error',last_error)
  __dataclass_builtins_object__.__setattr__(self,'not_carried',not_carried)
 return __init__
CODE["def __create_fn__(_type_distribution, _type_account, _type_revision, _type_state, _type_last_run_at, _type_last_result, _type_last_error, _type_not_carried, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_not_carried, _return_type):\n def __init__(self,distribution:_type_distribution,account:_type_account,revision:_type_revision,state:_type_state,last_run_at:_type_last_run_at,last_result:_type_last_result,last_error:_type_last_error,not_carried:_type_not_carried=_dflt_not_carried)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'distribution',distribution)\n  __dataclass_builtins_object__.__setattr__(self,'account',account)\n  __dataclass_builtins_object__.__setattr__(self,'revision',revision)\n  __dataclass_builtins_object__.__setattr__(self,'state',state)\n  __dataclass_builtins_object__.__setattr__(self,'last_run_at',last_run_at)\n  __dataclass_builtins_object__.__setattr__(self,'last_result',last_result)\n  __dataclass_builtins_object__.__setattr__(self,'last_error',last_error)\n  __dataclass_builtins_object__.__setattr__(self,'not_carried',not_carried)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(distribution={self.distribution!r}, account={self.account!r}, revision={self.revision!r}, state={self.state!r}, last_run_at={self.last_run_at!r}, last_result={self.last_result!r}, last_error={self.last_error!r}, not_carried={self.not_carried!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(distribution={self.distribution!r}, account={self.account!r}, revision={self.revision!r}, state={self.state!r}, last_run_at={self.last_run_at!r}, last_result={self.last_result!r}, last_error={self.last_error!r}, not_carried={self.not_carried!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.distribution,self.account,self.revision,self.state,self.last_run_at,self.last_result,self.last_error,self.not_carried,)==(other.distribution,other.account,other.revision,other.state,other.last_run_at,other.last_result,other.last_error,other.not_carried,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.distribution,self.account,self.revision,self.state,self.last_run_at,self.last_result,self.last_error,self.not_carried,)==(other.distribution,other.account,other.revision,other.state,other.last_run_at,other.last_result,other.last_error,other.not_carried,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('distribution','account','revision','state','last_run_at','last_result','last_error','not_carried',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'distribution\',\'account\',\'revision\',\'state\',\'last_run_at\',\'last_result\',\'last_error\',\'not_carried\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('distribution','account','revision','state','last_run_at','last_result','last_error','not_carried',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'distribution\',\'account\',\'revision\',\'state\',\'last_run_at\',\'last_result\',\'last_error\',\'not_carried\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.distribution,self.account,self.revision,self.state,self.last_run_at,self.last_result,self.last_error,self.not_carried,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.distribution,self.account,self.revision,self.state,self.last_run_at,self.last_result,self.last_error,self.not_carried,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_contact_id, _type_remote_id, _type_etag, _type_hash, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,contact_id:_type_contact_id,remote_id:_type_remote_id,etag:_type_etag,hash:_type_hash)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'contact_id',contact_id)
  __dataclass_builtins_object__.__setattr__(self,'remote_id',remote_id)
  __dataclass_builtins_object__.__setattr__(self,'etag',etag)
  __dataclass_builtins_object__.__setattr__(self,'hash',hash)
 return __init__
CODE["def __create_fn__(_type_contact_id, _type_remote_id, _type_etag, _type_hash, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,contact_id:_type_contact_id,remote_id:_type_remote_id,etag:_type_etag,hash:_type_hash)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'contact_id',contact_id)\n  __dataclass_builtins_object__.__setattr__(self,'remote_id',remote_id)\n  __dataclass_builtins_object__.__setattr__(self,'etag',etag)\n  __dataclass_builtins_object__.__setattr__(self,'hash',hash)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(contact_id={self.contact_id!r}, remote_id={self.remote_id!r}, etag={self.etag!r}, hash={self.hash!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(contact_id={self.contact_id!r}, remote_id={self.remote_id!r}, etag={self.etag!r}, hash={self.hash!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.contact_id,self.remote_id,self.etag,self.hash,)==(other.contact_id,other.remote_id,other.etag,other.hash,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.contact_id,self.remote_id,self.etag,self.hash,)==(other.contact_id,other.remote_id,other.etag,other.hash,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('contact_id','remote_id','etag','hash',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'contact_id\',\'remote_id\',\'etag\',\'hash\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('contact_id','remote_id','etag','hash',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'contact_id\',\'remote_id\',\'etag\',\'hash\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.contact_id,self.remote_id,self.etag,self.hash,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.contact_id,self.remote_id,self.etag,self.hash,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_book, _type_owner, _type_expires_at, _type_next_due_at, _type_last_started_at, _type_last_finished_at, _type_last_owner, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,book:_type_book,owner:_type_owner,expires_at:_type_expires_at,next_due_at:_type_next_due_at,last_started_at:_type_last_started_at,last_finished_at:_type_last_finished_at,last_owner:_type_last_owner)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'book',book)
  __dataclass_builtins_object__.__setattr__(self,'owner',owner)
  __dataclass_builtins_object__.__setattr__(self,'expires_at',expires_at)
  __dataclass_builtins_object__.__setattr__(self,'next_due_at',next_due_at)
  __dataclass_builtins_object__.__setattr__(self,'last_started_at',last_started_at)
  __dataclass_builtins_object__.__setattr__(self,'last_finished_at',last_finished_at)
  __dataclass_builtins_object__.__setattr__(self,'last_owner',last_owner)
 return __init__
CODE["def __create_fn__(_type_book, _type_owner, _type_expires_at, _type_next_due_at, _type_last_started_at, _type_last_finished_at, _type_last_owner, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,book:_type_book,owner:_type_owner,expires_at:_type_expires_at,next_due_at:_type_next_due_at,last_started_at:_type_last_started_at,last_finished_at:_type_last_finished_at,last_owner:_type_last_owner)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'book',book)\n  __dataclass_builtins_object__.__setattr__(self,'owner',owner)\n  __dataclass_builtins_object__.__setattr__(self,'expires_at',expires_at)\n  __dataclass_builtins_object__.__setattr__(self,'next_due_at',next_due_at)\n  __dataclass_builtins_object__.__setattr__(self,'last_started_at',last_started_at)\n  __dataclass_builtins_object__.__setattr__(self,'last_finished_at',last_finished_at)\n  __dataclass_builtins_object__.__setattr__(self,'last_owner',last_owner)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(book={self.book!r}, owner={self.owner!r}, expires_at={self.expires_at!r}, next_due_at={self.next_due_at!r}, last_started_at={self.last_started_at!r}, last_finished_at={self.last_finished_at!r}, last_owner={self.last_owner!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(book={self.book!r}, owner={self.owner!r}, expires_at={self.expires_at!r}, next_due_at={self.next_due_at!r}, last_started_at={self.last_started_at!r}, last_finished_at={self.last_finished_at!r}, last_owner={self.last_owner!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.book,self.owner,self.expires_at,self.next_due_at,self.last_started_at,self.last_finished_at,self.last_owner,)==(other.book,other.owner,other.expires_at,other.next_due_at,other.last_started_at,other.last_finished_at,other.last_owner,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.book,self.owner,self.expires_at,self.next_due_at,self.last_started_at,self.last_finished_at,self.last_owner,)==(other.book,other.owner,other.expires_at,other.next_due_at,other.last_started_at,other.last_finished_at,other.last_owner,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('book','owner','expires_at','next_due_at','last_started_at','last_finished_at','last_owner',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'book\',\'owner\',\'expires_at\',\'next_due_at\',\'last_started_at\',\'last_finished_at\',\'last_owner\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('book','owner','expires_at','next_due_at','last_started_at','last_finished_at','last_owner',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'book\',\'owner\',\'expires_at\',\'next_due_at\',\'last_started_at\',\'last_finished_at\',\'last_owner\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.book,self.owner,self.expires_at,self.next_due_at,self.last_started_at,self.last_finished_at,self.last_owner,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.book,self.owner,self.expires_at,self.next_due_at,self.last_started_at,self.last_finished_at,self.last_owner,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_account, _type_book, _type_owner, _type_expires_at, _type_last_started_at, _type_last_owner, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,account:_type_account,book:_type_book,owner:_type_owner,expires_at:_type_expires_at,last_started_at:_type_last_started_at,last_owner:_type_last_owner)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'account',account)
  __dataclass_builtins_object__.__setattr__(self,'book',book)
  __dataclass_builtins_object__.__setattr__(self,'owner',owner)
  __dataclass_builtins_object__.__setattr__(self,'expires_at',expires_at)
  __dataclass_builtins_object__.__setattr__(self,'last_started_at',last_started_at)
  __dataclass_builtins_object__.__setattr__(self,'last_owner',last_owner)
 return __init__
CODE["def __create_fn__(_type_account, _type_book, _type_owner, _type_expires_at, _type_last_started_at, _type_last_owner, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,account:_type_account,book:_type_book,owner:_type_owner,expires_at:_type_expires_at,last_started_at:_type_last_started_at,last_owner:_type_last_owner)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'account',account)\n  __dataclass_builtins_object__.__setattr__(self,'book',book)\n  __dataclass_builtins_object__.__setattr__(self,'owner',owner)\n  __dataclass_builtins_object__.__setattr__(self,'expires_at',expires_at)\n  __dataclass_builtins_object__.__setattr__(self,'last_started_at',last_started_at)\n  __dataclass_builtins_object__.__setattr__(self,'last_owner',last_owner)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(account={self.account!r}, book={self.book!r}, owner={self.owner!r}, expires_at={self.expires_at!r}, last_started_at={self.last_started_at!r}, last_owner={self.last_owner!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(account={self.account!r}, book={self.book!r}, owner={self.owner!r}, expires_at={self.expires_at!r}, last_started_at={self.last_started_at!r}, last_owner={self.last_owner!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.account,self.book,self.owner,self.expires_at,self.last_started_at,self.last_owner,)==(other.account,other.book,other.owner,other.expires_at,other.last_started_at,other.last_owner,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.account,self.book,self.owner,self.expires_at,self.last_started_at,self.last_owner,)==(other.account,other.book,other.owner,other.expires_at,other.last_started_at,other.last_owner,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('account','book','owner','expires_at','last_started_at','last_owner',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'account\',\'book\',\'owner\',\'expires_at\',\'last_started_at\',\'last_owner\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('account','book','owner','expires_at','last_started_at','last_owner',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'account\',\'book\',\'owner\',\'expires_at\',\'last_started_at\',\'last_owner\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.account,self.book,self.owner,self.expires_at,self.last_started_at,self.last_owner,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.account,self.book,self.owner,self.expires_at,self.last_started_at,self.last_owner,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_owner, _type_book, _type_epoch, _type_accounts, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_accounts, _return_type):
 def __init__(self,owner:_type_owner,book:_type_book,epoch:_type_epoch,accounts:_type_accounts=_dflt_accounts)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'owner',owner)
  __dataclass_builtins_object__.__setattr__(self,'book',book)
  __dataclass_builtins_object__.__setattr__(self,'epoch',epoch)
  __dataclass_builtins_object__.__setattr__(self,'accounts',accounts)
 return __init__
CODE["def __create_fn__(_type_owner, _type_book, _type_epoch, _type_accounts, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_accounts, _return_type):\n def __init__(self,owner:_type_owner,book:_type_book,epoch:_type_epoch,accounts:_type_accounts=_dflt_accounts)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'owner',owner)\n  __dataclass_builtins_object__.__setattr__(self,'book',book)\n  __dataclass_builtins_object__.__setattr__(self,'epoch',epoch)\n  __dataclass_builtins_object__.__setattr__(self,'accounts',accounts)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(owner={self.owner!r}, book={self.book!r}, epoch={self.epoch!r}, accounts={self.accounts!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(owner={self.owner!r}, book={self.book!r}, epoch={self.epoch!r}, accounts={self.accounts!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.owner,self.book,self.epoch,self.accounts,)==(other.owner,other.book,other.epoch,other.accounts,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.owner,self.book,self.epoch,self.accounts,)==(other.owner,other.book,other.epoch,other.accounts,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('owner','book','epoch','accounts',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'owner\',\'book\',\'epoch\',\'accounts\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('owner','book','epoch','accounts',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'owner\',\'book\',\'epoch\',\'accounts\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.owner,self.book,self.epoch,self.accounts,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.owner,self.book,self.epoch,self.accounts,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_taken, _type_holder, _type_held, _type_until, _type_not_due, _type_took_over_from, _type_fence, _type_run_id, _type_health, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_holder, _dflt_held, _dflt_until, _dflt_not_due, _dflt_took_over_from, _dflt_fence, _dflt_run_id, _dflt_health, _return_type):
 def __init__(self,taken:_type_taken,holder:_type_holder=_dflt_holder,held:_type_held=_dflt_held,until:_type_until=_dflt_until,not_due:_type_not_due=_dflt_not_due,took_over_from:_type_took_over_from=_dflt_took_over_from,fence:_type_fence=_dflt_fence,run_id:_type_run_id=_dflt_run_id,health:_type_health=_dflt_health)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'taken',taken)
  __dataclass_builtins_object__.__setattr__(self,'holder',holder)
  __dataclass_builtins_object__.__setattr__(self,'held',held)
  __dataclass_builtins_object__.__setattr__(self,'until',until)
  __dataclass_builtins_object__.__setattr__(self,'not_due',not_due)
  __dataclass_builtins_object__.__setattr__(self,'took_over_from',took_over_from)
  __dataclass_builtins_object__.__setattr__(self,'fence',fence)
  __dataclass_builtins_object__.__setattr__(self,'run_id',run_id)
  __dataclass_builtins_object__.__setattr__(self,'health',health)
 return __init__
CODE["def __create_fn__(_type_taken, _type_holder, _type_held, _type_until, _type_not_due, _type_took_over_from, _type_fence, _type_run_id, _type_health, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_holder, _dflt_held, _dflt_until, _dflt_not_due, _dflt_took_over_from, _dflt_fence, _dflt_run_id, _dflt_health, _return_type):\n def __init__(self,taken:_type_taken,holder:_type_holder=_dflt_holder,held:_type_held=_dflt_held,until:_type_until=_dflt_until,not_due:_type_not_due=_dflt_not_due,took_over_from:_type_took_over_from=_dflt_took_over_from,fence:_type_fence=_dflt_fence,run_id:_type_run_id=_dflt_run_id,health:_type_health=_dflt_health)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'taken',taken)\n  __dataclass_builtins_object__.__setattr__(self,'holder',holder)\n  __dataclass_builtins_object__.__setattr__(self,'held',held)\n  __dataclass_builtins_object__.__setattr__(self,'until',until)\n  __dataclass_builtins_object__.__setattr__(self,'not_due',not_due)\n  __dataclass_builtins_object__.__setattr__(self,'took_over_from',took_over_from)\n  __dataclass_builtins_object__.__setattr__(self,'fence',fence)\n  __dataclass_builtins_object__.__setattr__(self,'run_id',run_id)\n  __dataclass_builtins_object__.__setattr__(self,'health',health)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(taken={self.taken!r}, holder={self.holder!r}, held={self.held!r}, until={self.until!r}, not_due={self.not_due!r}, took_over_from={self.took_over_from!r}, fence={self.fence!r}, run_id={self.run_id!r}, health={self.health!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(taken={self.taken!r}, holder={self.holder!r}, held={self.held!r}, until={self.until!r}, not_due={self.not_due!r}, took_over_from={self.took_over_from!r}, fence={self.fence!r}, run_id={self.run_id!r}, health={self.health!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.taken,self.holder,self.held,self.until,self.not_due,self.took_over_from,self.fence,self.run_id,self.health,)==(other.taken,other.holder,other.held,other.until,other.not_due,other.took_over_from,other.fence,other.run_id,other.health,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.taken,self.holder,self.held,self.until,self.not_due,self.took_over_from,self.fence,self.run_id,self.health,)==(other.taken,other.holder,other.held,other.until,other.not_due,other.took_over_from,other.fence,other.run_id,other.health,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('taken','holder','held','until','not_due','took_over_from','fence','run_id','health',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'taken\',\'holder\',\'held\',\'until\',\'not_due\',\'took_over_from\',\'fence\',\'run_id\',\'health\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('taken','holder','held','until','not_due','took_over_from','fence','run_id','health',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'taken\',\'holder\',\'held\',\'until\',\'not_due\',\'took_over_from\',\'fence\',\'run_id\',\'health\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.taken,self.holder,self.held,self.until,self.not_due,self.took_over_from,self.fence,self.run_id,self.health,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.taken,self.holder,self.held,self.until,self.not_due,self.took_over_from,self.fence,self.run_id,self.health,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_account, _type_book, _type_failures, _type_circuit, _type_opened_at, _type_retry_at, _type_last_failure, _type_tags_checked_at, _type_tags_error, _type_repair_requested_at, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,account:_type_account,book:_type_book,failures:_type_failures,circuit:_type_circuit,opened_at:_type_opened_at,retry_at:_type_retry_at,last_failure:_type_last_failure,tags_checked_at:_type_tags_checked_at,tags_error:_type_tags_error,repair_requested_at:_type_repair_requested_at)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'account',account)
  __dataclass_builtins_object__.__setattr__(self,'book',book)
  __dataclass_builtins_object__.__setattr__(self,'failures',failures)
  __dataclass_builtins_object__.__setattr__(self,'circuit',circuit)
  __dataclass_builtins_object__.__setattr__(self,'opened_at',opened_at)
  __dataclass_builtins_object__.__setattr__(self,'retry_at',retry_at)
  __dataclass_builtins_object__.__setattr__(self,'last_failure',last_failure)
  __dataclass_builtins_object__.__setattr__(self,'tags_checked_at',tags_checked_at)
  __dataclass_builtins_object__.__setattr__(self,'tags_error',tags_error)
  __dataclass_builtins_object__.__setattr__(self,'repair_requested_at',repair_requested_at)
 return __init__
CODE["def __create_fn__(_type_account, _type_book, _type_failures, _type_circuit, _type_opened_at, _type_retry_at, _type_last_failure, _type_tags_checked_at, _type_tags_error, _type_repair_requested_at, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,account:_type_account,book:_type_book,failures:_type_failures,circuit:_type_circuit,opened_at:_type_opened_at,retry_at:_type_retry_at,last_failure:_type_last_failure,tags_checked_at:_type_tags_checked_at,tags_error:_type_tags_error,repair_requested_at:_type_repair_requested_at)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'account',account)\n  __dataclass_builtins_object__.__setattr__(self,'book',book)\n  __dataclass_builtins_object__.__setattr__(self,'failures',failures)\n  __dataclass_builtins_object__.__setattr__(self,'circuit',circuit)\n  __dataclass_builtins_object__.__setattr__(self,'opened_at',opened_at)\n  __dataclass_builtins_object__.__setattr__(self,'retry_at',retry_at)\n  __dataclass_builtins_object__.__setattr__(self,'last_failure',last_failure)\n  __dataclass_builtins_object__.__setattr__(self,'tags_checked_at',tags_checked_at)\n  __dataclass_builtins_object__.__setattr__(self,'tags_error',tags_error)\n  __dataclass_builtins_object__.__setattr__(self,'repair_requested_at',repair_requested_at)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(account={self.account!r}, book={self.book!r}, failures={self.failures!r}, circuit={self.circuit!r}, opened_at={self.opened_at!r}, retry_at={self.retry_at!r}, last_failure={self.last_failure!r}, tags_checked_at={self.tags_checked_at!r}, tags_error={self.tags_error!r}, repair_requested_at={self.repair_requested_at!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(account={self.account!r}, book={self.book!r}, failures={self.failures!r}, circuit={self.circuit!r}, opened_at={self.opened_at!r}, retry_at={self.retry_at!r}, last_failure={self.last_failure!r}, tags_checked_at={self.tags_checked_at!r}, tags_error={self.tags_error!r}, repair_requested_at={self.repair_requested_at!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.account,self.book,self.failures,self.circuit,self.opened_at,self.retry_at,self.last_failure,self.tags_checked_at,self.tags_error,self.repair_requested_at,)==(other.account,other.book,other.failures,other.circuit,other.opened_at,other.retry_at,other.last_failure,other.tags_checked_at,other.tags_error,other.repair_requested_at,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.account,self.book,self.failures,self.circuit,self.opened_at,self.retry_at,self.last_failure,self.tags_checked_at,self.tags_error,self.repair_requested_at,)==(other.account,other.book,other.failures,other.circuit,other.opened_at,other.retry_at,other.last_failure,other.tags_checked_at,other.tags_error,other.repair_requested_at,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('account','book','failures','circuit','opened_at','retry_at','last_failure','tags_checked_at','tags_error','repair_requested_at',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'account\',\'book\',\'failures\',\'circuit\',\'opened_at\',\'retry_at\',\'last_failure\',\'tags_checked_at\',\'tags_error\',\'repair_requested_at\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('account','book','failures','circuit','opened_at','retry_at','last_failure','tags_checked_at','tags_error','repair_requested_at',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'account\',\'book\',\'failures\',\'circuit\',\'opened_at\',\'retry_at\',\'last_failure\',\'tags_checked_at\',\'tags_error\',\'repair_requested_at\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.account,self.book,self.failures,self.circuit,self.opened_at,self.retry_at,self.last_failure,self.tags_checked_at,self.tags_error,self.repair_requested_at,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.account,self.book,self.failures,self.circuit,self.opened_at,self.retry_at,self.last_failure,self.tags_checked_at,self.tags_error,self.repair_requested_at,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_account, _type_book, _type_tag_key, _type_tag_name, _type_platform_count, _type_store_count, _type_verdict, _type_checked_at, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,account:_type_account,book:_type_book,tag_key:_type_tag_key,tag_name:_type_tag_name,platform_count:_type_platform_count,store_count:_type_store_count,verdict:_type_verdict,checked_at:_type_checked_at)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'account',account)
  __dataclass_builtins_object__.__setattr__(self,'book',book)
  __dataclass_builtins_object__.__setattr__(self,'tag_key',tag_key)
  __dataclass_builtins_object__.__setattr__(self,'tag_name',tag_name)
  __dataclass_builtins_object__.__setattr__(self,'platform_count',platform_count)
  __dataclass_builtins_object__.__setattr__(self,'store_count',store_count)
  __dataclass_builtins_object__.__setattr__(self,'verdict',verdict)
  __dataclass_builtins_object__.__setattr__(self,'checked_at',checked_at)
 return __init__
CODE["def __create_fn__(_type_account, _type_book, _type_tag_key, _type_tag_name, _type_platform_count, _type_store_count, _type_verdict, _type_checked_at, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,account:_type_account,book:_type_book,tag_key:_type_tag_key,tag_name:_type_tag_name,platform_count:_type_platform_count,store_count:_type_store_count,verdict:_type_verdict,checked_at:_type_checked_at)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'account',account)\n  __dataclass_builtins_object__.__setattr__(self,'book',book)\n  __dataclass_builtins_object__.__setattr__(self,'tag_key',tag_key)\n  __dataclass_builtins_object__.__setattr__(self,'tag_name',tag_name)\n  __dataclass_builtins_object__.__setattr__(self,'platform_count',platform_count)\n  __dataclass_builtins_object__.__setattr__(self,'store_count',store_count)\n  __dataclass_builtins_object__.__setattr__(self,'verdict',verdict)\n  __dataclass_builtins_object__.__setattr__(self,'checked_at',checked_at)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(account={self.account!r}, book={self.book!r}, tag_key={self.tag_key!r}, tag_name={self.tag_name!r}, platform_count={self.platform_count!r}, store_count={self.store_count!r}, verdict={self.verdict!r}, checked_at={self.checked_at!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(account={self.account!r}, book={self.book!r}, tag_key={self.tag_key!r}, tag_name={self.tag_name!r}, platform_count={self.platform_count!r}, store_count={self.store_count!r}, verdict={self.verdict!r}, checked_at={self.checked_at!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.account,self.book,self.tag_key,self.tag_name,self.platform_count,self.store_count,self.verdict,self.checked_at,)==(other.account,other.book,other.tag_key,other.tag_name,other.platform_count,other.store_count,other.verdict,other.checked_at,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.account,self.book,self.tag_key,self.tag_name,self.platform_count,self.store_count,self.verdict,self.checked_at,)==(other.account,other.book,other.tag_key,other.tag_name,other.platform_count,other.store_count,other.verdict,other.checked_at,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('account','book','tag_key','tag_name','platform_count','store_count','verdict','checked_at',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'account\',\'book\',\'tag_key\',\'tag_name\',\'platform_count\',\'store_count\',\'verdict\',\'checked_at\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('account','book','tag_key','tag_name','platform_count','store_count','verdict','checked_at',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'account\',\'book\',\'tag_key\',\'tag_name\',\'platform_count\',\'store_count\',\'verdict\',\'checked_at\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.account,self.book,self.tag_key,self.tag_name,self.platform_count,self.store_count,self.verdict,self.checked_at,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.account,self.book,self.tag_key,self.tag_name,self.platform_count,self.store_count,self.verdict,self.checked_at,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_account, _type_remote_id, _type_contact_id, _type_etag, _type_base, _type_modified, _type_marked, _type_base_text, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_modified, _dflt_marked, _dflt_base_text, _return_type):
 def __init__(self,account:_type_account,remote_id:_type_remote_id,contact_id:_type_contact_id,etag:_type_etag,base:_type_base,modified:_type_modified=_dflt_modified,marked:_type_marked=_dflt_marked,base_text:_type_base_text=_dflt_base_text)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'account',account)
  __dataclass_builtins_object__.__setattr__(self,'remote_id',remote_id)
  __dataclass_builtins_object__.__setattr__(self,'contact_id',contact_id)
  __dataclass_builtins_object__.__setattr__(self,'etag',etag)
  __dataclass_builtins_object__.__setattr__(self,'base',base)
  __dataclass_builtins_object__.__setattr__(self,'modified',modified)
  __dataclass_builtins_object__.__setattr__(self,'marked',marked)
  __dataclass_builtins_object__.__setattr__(self,'base_text',base_text)
 return __init__
CODE["def __create_fn__(_type_account, _type_remote_id, _type_contact_id, _type_etag, _type_base, _type_modified, _type_marked, _type_base_text, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_modified, _dflt_marked, _dflt_base_text, _return_type):\n def __init__(self,account:_type_account,remote_id:_type_remote_id,contact_id:_type_contact_id,etag:_type_etag,base:_type_base,modified:_type_modified=_dflt_modified,marked:_type_marked=_dflt_marked,base_text:_type_base_text=_dflt_base_text)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'account',account)\n  __dataclass_builtins_object__.__setattr__(self,'remote_id',remote_id)\n  __dataclass_builtins_object__.__setattr__(self,'contact_id',contact_id)\n  __dataclass_builtins_object__.__setattr__(self,'etag',etag)\n  __dataclass_builtins_object__.__setattr__(self,'base',base)\n  __dataclass_builtins_object__.__setattr__(self,'modified',modified)\n  __dataclass_builtins_object__.__setattr__(self,'marked',marked)\n  __dataclass_builtins_object__.__setattr__(self,'base_text',base_text)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(account={self.account!r}, remote_id={self.remote_id!r}, contact_id={self.contact_id!r}, etag={self.etag!r}, base={self.base!r}, modified={self.modified!r}, marked={self.marked!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(account={self.account!r}, remote_id={self.remote_id!r}, contact_id={self.contact_id!r}, etag={self.etag!r}, base={self.base!r}, modified={self.modified!r}, marked={self.marked!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.account,self.remote_id,self.contact_id,self.etag,self.base,self.modified,self.marked,)==(other.account,other.remote_id,other.contact_id,other.etag,other.base,other.modified,other.marked,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.account,self.remote_id,self.contact_id,self.etag,self.base,self.modified,self.marked,)==(other.account,other.remote_id,other.contact_id,other.etag,other.base,other.modified,other.marked,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('account','remote_id','contact_id','etag','base','modified','marked','base_text',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'account\',\'remote_id\',\'contact_id\',\'etag\',\'base\',\'modified\',\'marked\',\'base_text\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('account','remote_id','contact_id','etag','base','modified','marked','base_text',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'account\',\'remote_id\',\'contact_id\',\'etag\',\'base\',\'modified\',\'marked\',\'base_text\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.account,self.remote_id,self.contact_id,self.etag,self.base,self.modified,self.marked,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.account,self.remote_id,self.contact_id,self.etag,self.base,self.modified,self.marked,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_account, _type_contact_id, _type_kind, _type_attempted, _type_attempts, _type_last_error, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,account:_type_account,contact_id:_type_contact_id,kind:_type_kind,attempted:_type_attempted,attempts:_type_attempts,last_error:_type_last_error)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'account',account)
  __dataclass_builtins_object__.__setattr__(self,'contact_id',contact_id)
  __dataclass_builtins_object__.__setattr__(self,'kind',kind)
  __dataclass_builtins_object__.__setattr__(self,'attempted',attempted)
  __dataclass_builtins_object__.__setattr__(self,'attempts',attempts)
  __dataclass_builtins_object__.__setattr__(self,'last_error',last_error)
 return __init__
CODE["def __create_fn__(_type_account, _type_contact_id, _type_kind, _type_attempted, _type_attempts, _type_last_error, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,account:_type_account,contact_id:_type_contact_id,kind:_type_kind,attempted:_type_attempted,attempts:_type_attempts,last_error:_type_last_error)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'account',account)\n  __dataclass_builtins_object__.__setattr__(self,'contact_id',contact_id)\n  __dataclass_builtins_object__.__setattr__(self,'kind',kind)\n  __dataclass_builtins_object__.__setattr__(self,'attempted',attempted)\n  __dataclass_builtins_object__.__setattr__(self,'attempts',attempts)\n  __dataclass_builtins_object__.__setattr__(self,'last_error',last_error)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(account={self.account!r}, contact_id={self.contact_id!r}, kind={self.kind!r}, attempted={self.attempted!r}, attempts={self.attempts!r}, last_error={self.last_error!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(account={self.account!r}, contact_id={self.contact_id!r}, kind={self.kind!r}, attempted={self.attempted!r}, attempts={self.attempts!r}, last_error={self.last_error!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.account,self.contact_id,self.kind,self.attempted,self.attempts,self.last_error,)==(other.account,other.contact_id,other.kind,other.attempted,other.attempts,other.last_error,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.account,self.contact_id,self.kind,self.attempted,self.attempts,self.last_error,)==(other.account,other.contact_id,other.kind,other.attempted,other.attempts,other.last_error,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('account','contact_id','kind','attempted','attempts','last_error',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'account\',\'contact_id\',\'kind\',\'attempted\',\'attempts\',\'last_error\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('account','contact_id','kind','attempted','attempts','last_error',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'account\',\'contact_id\',\'kind\',\'attempted\',\'attempts\',\'last_error\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.account,self.contact_id,self.kind,self.attempted,self.attempts,self.last_error,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.account,self.contact_id,self.kind,self.attempted,self.attempts,self.last_error,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_account, _type_book, _type_run_id, _type_result, _type_error, _type_duration_s, _type_brake_reason, _type_summary, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,account:_type_account,book:_type_book,run_id:_type_run_id,result:_type_result,error:_type_error,duration_s:_type_duration_s,brake_reason:_type_brake_reason,summary:_type_summary)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'account',account)
  __dataclass_builtins_object__.__setattr__(self,'book',book)
  __dataclass_builtins_object__.__setattr__(self,'run_id',run_id)
  __dataclass_builtins_object__.__setattr__(self,'result',result)
  __dataclass_builtins_object__.__setattr__(self,'error',error)
  __dataclass_builtins_object__.__setattr__(self,'duration_s',duration_s)
  __dataclass_builtins_object__.__setattr__(self,'brake_reason',brake_reason)
  __dataclass_builtins_object__.__setattr__(self,'summary',summary)
 return __init__
CODE["def __create_fn__(_type_account, _type_book, _type_run_id, _type_result, _type_error, _type_duration_s, _type_brake_reason, _type_summary, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,account:_type_account,book:_type_book,run_id:_type_run_id,result:_type_result,error:_type_error,duration_s:_type_duration_s,brake_reason:_type_brake_reason,summary:_type_summary)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'account',account)\n  __dataclass_builtins_object__.__setattr__(self,'book',book)\n  __dataclass_builtins_object__.__setattr__(self,'run_id',run_id)\n  __dataclass_builtins_object__.__setattr__(self,'result',result)\n  __dataclass_builtins_object__.__setattr__(self,'error',error)\n  __dataclass_builtins_object__.__setattr__(self,'duration_s',duration_s)\n  __dataclass_builtins_object__.__setattr__(self,'brake_reason',brake_reason)\n  __dataclass_builtins_object__.__setattr__(self,'summary',summary)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(account={self.account!r}, book={self.book!r}, run_id={self.run_id!r}, result={self.result!r}, error={self.error!r}, duration_s={self.duration_s!r}, brake_reason={self.brake_reason!r}, summary={self.summary!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(account={self.account!r}, book={self.book!r}, run_id={self.run_id!r}, result={self.result!r}, error={self.error!r}, duration_s={self.duration_s!r}, brake_reason={self.brake_reason!r}, summary={self.summary!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.account,self.book,self.run_id,self.result,self.error,self.duration_s,self.brake_reason,self.summary,)==(other.account,other.book,other.run_id,other.result,other.error,other.duration_s,other.brake_reason,other.summary,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.account,self.book,self.run_id,self.result,self.error,self.duration_s,self.brake_reason,self.summary,)==(other.account,other.book,other.run_id,other.result,other.error,other.duration_s,other.brake_reason,other.summary,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('account','book','run_id','result','error','duration_s','brake_reason','summary',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'account\',\'book\',\'run_id\',\'result\',\'error\',\'duration_s\',\'brake_reason\',\'summary\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('account','book','run_id','result','error','duration_s','brake_reason','summary',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'account\',\'book\',\'run_id\',\'result\',\'error\',\'duration_s\',\'brake_reason\',\'summary\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.account,self.book,self.run_id,self.result,self.error,self.duration_s,self.brake_reason,self.summary,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.account,self.book,self.run_id,self.result,self.error,self.duration_s,self.brake_reason,self.summary,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_template, _type_person_id, _type_book, _type_email, _type_username, _type_display_name, _type_joined_at, _type_retired_at, _type_seen_at, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,template:_type_template,person_id:_type_person_id,book:_type_book,email:_type_email,username:_type_username,display_name:_type_display_name,joined_at:_type_joined_at,retired_at:_type_retired_at,seen_at:_type_seen_at)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'template',template)
  __dataclass_builtins_object__.__setattr__(self,'person_id',person_id)
  __dataclass_builtins_object__.__setattr__(self,'book',book)
  __dataclass_builtins_object__.__setattr__(self,'email',email)
  __dataclass_builtins_object__.__setattr__(self,'username',username)
  __dataclass_builtins_object__.__setattr__(self,'display_name',display_name)
  __dataclass_builtins_object__.__setattr__(self,'joined_at',joined_at)
  __dataclass_builtins_object__.__setattr__(self,'retired_at',retired_at)
  __dataclass_builtins_object__.__setattr__(self,'seen_at',seen_at)
 return __init__
CODE["def __create_fn__(_type_template, _type_person_id, _type_book, _type_email, _type_username, _type_display_name, _type_joined_at, _type_retired_at, _type_seen_at, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,template:_type_template,person_id:_type_person_id,book:_type_book,email:_type_email,username:_type_username,display_name:_type_display_name,joined_at:_type_joined_at,retired_at:_type_retired_at,seen_at:_type_seen_at)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'template',template)\n  __dataclass_builtins_object__.__setattr__(self,'person_id',person_id)\n  __dataclass_builtins_object__.__setattr__(self,'book',book)\n  __dataclass_builtins_object__.__setattr__(self,'email',email)\n  __dataclass_builtins_object__.__setattr__(self,'username',username)\n  __dataclass_builtins_object__.__setattr__(self,'display_name',display_name)\n  __dataclass_builtins_object__.__setattr__(self,'joined_at',joined_at)\n  __dataclass_builtins_object__.__setattr__(self,'retired_at',retired_at)\n  __dataclass_builtins_object__.__setattr__(self,'seen_at',seen_at)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(template={self.template!r}, person_id={self.person_id!r}, book={self.book!r}, email={self.email!r}, username={self.username!r}, display_name={self.display_name!r}, joined_at={self.joined_at!r}, retired_at={self.retired_at!r}, seen_at={self.seen_at!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(template={self.template!r}, person_id={self.person_id!r}, book={self.book!r}, email={self.email!r}, username={self.username!r}, display_name={self.display_name!r}, joined_at={self.joined_at!r}, retired_at={self.retired_at!r}, seen_at={self.seen_at!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.template,self.person_id,self.book,self.email,self.username,self.display_name,self.joined_at,self.retired_at,self.seen_at,)==(other.template,other.person_id,other.book,other.email,other.username,other.display_name,other.joined_at,other.retired_at,other.seen_at,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.template,self.person_id,self.book,self.email,self.username,self.display_name,self.joined_at,self.retired_at,self.seen_at,)==(other.template,other.person_id,other.book,other.email,other.username,other.display_name,other.joined_at,other.retired_at,other.seen_at,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('template','person_id','book','email','username','display_name','joined_at','retired_at','seen_at',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'template\',\'person_id\',\'book\',\'email\',\'username\',\'display_name\',\'joined_at\',\'retired_at\',\'seen_at\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('template','person_id','book','email','username','display_name','joined_at','retired_at','seen_at',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'template\',\'person_id\',\'book\',\'email\',\'username\',\'display_name\',\'joined_at\',\'retired_at\',\'seen_at\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.template,self.person_id,self.book,self.email,self.username,self.display_name,self.joined_at,self.retired_at,self.seen_at,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.template,self.person_id,self.book,self.email,self.username,self.display_name,self.joined_at,self.retired_at,self.seen_at,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_person_id, _type_book, _type_email, _type_username, _type_display_name, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,person_id:_type_person_id,book:_type_book,email:_type_email,username:_type_username,display_name:_type_display_name)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'person_id',person_id)
  __dataclass_builtins_object__.__setattr__(self,'book',book)
  __dataclass_builtins_object__.__setattr__(self,'email',email)
  __dataclass_builtins_object__.__setattr__(self,'username',username)
  __dataclass_builtins_object__.__setattr__(self,'display_name',display_name)
 return __init__
CODE["def __create_fn__(_type_person_id, _type_book, _type_email, _type_username, _type_display_name, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,person_id:_type_person_id,book:_type_book,email:_type_email,username:_type_username,display_name:_type_display_name)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'person_id',person_id)\n  __dataclass_builtins_object__.__setattr__(self,'book',book)\n  __dataclass_builtins_object__.__setattr__(self,'email',email)\n  __dataclass_builtins_object__.__setattr__(self,'username',username)\n  __dataclass_builtins_object__.__setattr__(self,'display_name',display_name)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(person_id={self.person_id!r}, book={self.book!r}, email={self.email!r}, username={self.username!r}, display_name={self.display_name!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(person_id={self.person_id!r}, book={self.book!r}, email={self.email!r}, username={self.username!r}, display_name={self.display_name!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.person_id,self.book,self.email,self.username,self.display_name,)==(other.person_id,other.book,other.email,other.username,other.display_name,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.person_id,self.book,self.email,self.username,self.display_name,)==(other.person_id,other.book,other.email,other.username,other.display_name,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('person_id','book','email','username','display_name',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'person_id\',\'book\',\'email\',\'username\',\'display_name\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('person_id','book','email','username','display_name',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'person_id\',\'book\',\'email\',\'username\',\'display_name\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.person_id,self.book,self.email,self.username,self.display_name,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.person_id,self.book,self.email,self.username,self.display_name,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_joined, _type_retired, _type_returned, _type_renamed, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_joined, _dflt_retired, _dflt_returned, _dflt_renamed, _return_type):
 def __init__(self,joined:_type_joined=_dflt_joined,retired:_type_retired=_dflt_retired,returned:_type_returned=_dflt_returned,renamed:_type_renamed=_dflt_renamed)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'joined',joined)
  __dataclass_builtins_object__.__setattr__(self,'retired',retired)
  __dataclass_builtins_object__.__setattr__(self,'returned',returned)
  __dataclass_builtins_object__.__setattr__(self,'renamed',renamed)
 return __init__
CODE["def __create_fn__(_type_joined, _type_retired, _type_returned, _type_renamed, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_joined, _dflt_retired, _dflt_returned, _dflt_renamed, _return_type):\n def __init__(self,joined:_type_joined=_dflt_joined,retired:_type_retired=_dflt_retired,returned:_type_returned=_dflt_returned,renamed:_type_renamed=_dflt_renamed)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'joined',joined)\n  __dataclass_builtins_object__.__setattr__(self,'retired',retired)\n  __dataclass_builtins_object__.__setattr__(self,'returned',returned)\n  __dataclass_builtins_object__.__setattr__(self,'renamed',renamed)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(joined={self.joined!r}, retired={self.retired!r}, returned={self.returned!r}, renamed={self.renamed!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(joined={self.joined!r}, retired={self.retired!r}, returned={self.returned!r}, renamed={self.renamed!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.joined,self.retired,self.returned,self.renamed,)==(other.joined,other.retired,other.returned,other.renamed,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.joined,self.retired,self.returned,self.renamed,)==(other.joined,other.retired,other.returned,other.renamed,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('joined','retired','returned','renamed',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'joined\',\'retired\',\'returned\',\'renamed\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('joined','retired','returned','renamed',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'joined\',\'retired\',\'returned\',\'renamed\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.joined,self.retired,self.returned,self.renamed,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.joined,self.retired,self.returned,self.renamed,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_id, _type_etag, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,id:_type_id,etag:_type_etag)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'id',id)
  __dataclass_builtins_object__.__setattr__(self,'etag',etag)
 return __init__
CODE["def __create_fn__(_type_id, _type_etag, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,id:_type_id,etag:_type_etag)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'id',id)\n  __dataclass_builtins_object__.__setattr__(self,'etag',etag)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(id={self.id!r}, etag={self.etag!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(id={self.id!r}, etag={self.etag!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.id,self.etag,)==(other.id,other.etag,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.id,self.etag,)==(other.id,other.etag,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('id','etag',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'id\',\'etag\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('id','etag',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'id\',\'etag\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.id,self.etag,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.id,self.etag,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_ref, _type_contact, _type_marker, _type_modified, _type_left_behind, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_marker, _dflt_modified, _dflt_left_behind, _return_type):
 def __init__(self,ref:_type_ref,contact:_type_contact,marker:_type_marker=_dflt_marker,modified:_type_modified=_dflt_modified,left_behind:_type_left_behind=_dflt_left_behind)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'ref',ref)
  __dataclass_builtins_object__.__setattr__(self,'contact',contact)
  __dataclass_builtins_object__.__setattr__(self,'marker',marker)
  __dataclass_builtins_object__.__setattr__(self,'modified',modified)
  __dataclass_builtins_object__.__setattr__(self,'left_behind',left_behind)
 return __init__
CODE["def __create_fn__(_type_ref, _type_contact, _type_marker, _type_modified, _type_left_behind, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_marker, _dflt_modified, _dflt_left_behind, _return_type):\n def __init__(self,ref:_type_ref,contact:_type_contact,marker:_type_marker=_dflt_marker,modified:_type_modified=_dflt_modified,left_behind:_type_left_behind=_dflt_left_behind)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'ref',ref)\n  __dataclass_builtins_object__.__setattr__(self,'contact',contact)\n  __dataclass_builtins_object__.__setattr__(self,'marker',marker)\n  __dataclass_builtins_object__.__setattr__(self,'modified',modified)\n  __dataclass_builtins_object__.__setattr__(self,'left_behind',left_behind)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(ref={self.ref!r}, contact={self.contact!r}, marker={self.marker!r}, modified={self.modified!r}, left_behind={self.left_behind!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(ref={self.ref!r}, contact={self.contact!r}, marker={self.marker!r}, modified={self.modified!r}, left_behind={self.left_behind!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.ref,self.contact,self.marker,self.modified,self.left_behind,)==(other.ref,other.contact,other.marker,other.modified,other.left_behind,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.ref,self.contact,self.marker,self.modified,self.left_behind,)==(other.ref,other.contact,other.marker,other.modified,other.left_behind,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('ref','contact','marker','modified','left_behind',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'ref\',\'contact\',\'marker\',\'modified\',\'left_behind\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('ref','contact','marker','modified','left_behind',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'ref\',\'contact\',\'marker\',\'modified\',\'left_behind\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.ref,self.contact,self.marker,self.modified,self.left_behind,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.ref,self.contact,self.marker,self.modified,self.left_behind,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_remote_id, _type_reason, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,remote_id:_type_remote_id,reason:_type_reason)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'remote_id',remote_id)
  __dataclass_builtins_object__.__setattr__(self,'reason',reason)
 return __init__
CODE["def __create_fn__(_type_remote_id, _type_reason, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,remote_id:_type_remote_id,reason:_type_reason)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'remote_id',remote_id)\n  __dataclass_builtins_object__.__setattr__(self,'reason',reason)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(remote_id={self.remote_id!r}, reason={self.reason!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(remote_id={self.remote_id!r}, reason={self.reason!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.remote_id,self.reason,)==(other.remote_id,other.reason,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.remote_id,self.reason,)==(other.remote_id,other.reason,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('remote_id','reason',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'remote_id\',\'reason\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('remote_id','reason',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'remote_id\',\'reason\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.remote_id,self.reason,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.remote_id,self.reason,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_code, _type_message, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,code:_type_code,message:_type_message)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'code',code)
  __dataclass_builtins_object__.__setattr__(self,'message',message)
 return __init__
CODE["def __create_fn__(_type_code, _type_message, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,code:_type_code,message:_type_message)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'code',code)\n  __dataclass_builtins_object__.__setattr__(self,'message',message)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(code={self.code!r}, message={self.message!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(code={self.code!r}, message={self.message!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.code,self.message,)==(other.code,other.message,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.code,self.message,)==(other.code,other.message,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('code','message',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'code\',\'message\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('code','message',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'code\',\'message\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.code,self.message,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.code,self.message,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_changed, _type_deleted, _type_next_state, _type_full, _type_quarantined, _type_present, _type_notices, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_quarantined, _dflt_present, _dflt_notices, _return_type):
 def __init__(self,changed:_type_changed,deleted:_type_deleted,next_state:_type_next_state,full:_type_full,quarantined:_type_quarantined=_dflt_quarantined,present:_type_present=_dflt_present,notices:_type_notices=_dflt_notices)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'changed',changed)
  __dataclass_builtins_object__.__setattr__(self,'deleted',deleted)
  __dataclass_builtins_object__.__setattr__(self,'next_state',next_state)
  __dataclass_builtins_object__.__setattr__(self,'full',full)
  __dataclass_builtins_object__.__setattr__(self,'quarantined',quarantined)
  __dataclass_builtins_object__.__setattr__(self,'present',present)
  __dataclass_builtins_object__.__setattr__(self,'notices',notices)
 return __init__
CODE["def __create_fn__(_type_changed, _type_deleted, _type_next_state, _type_full, _type_quarantined, _type_present, _type_notices, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_quarantined, _dflt_present, _dflt_notices, _return_type):\n def __init__(self,changed:_type_changed,deleted:_type_deleted,next_state:_type_next_state,full:_type_full,quarantined:_type_quarantined=_dflt_quarantined,present:_type_present=_dflt_present,notices:_type_notices=_dflt_notices)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'changed',changed)\n  __dataclass_builtins_object__.__setattr__(self,'deleted',deleted)\n  __dataclass_builtins_object__.__setattr__(self,'next_state',next_state)\n  __dataclass_builtins_object__.__setattr__(self,'full',full)\n  __dataclass_builtins_object__.__setattr__(self,'quarantined',quarantined)\n  __dataclass_builtins_object__.__setattr__(self,'present',present)\n  __dataclass_builtins_object__.__setattr__(self,'notices',notices)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(changed={self.changed!r}, deleted={self.deleted!r}, next_state={self.next_state!r}, full={self.full!r}, quarantined={self.quarantined!r}, present={self.present!r}, notices={self.notices!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(changed={self.changed!r}, deleted={self.deleted!r}, next_state={self.next_state!r}, full={self.full!r}, quarantined={self.quarantined!r}, present={self.present!r}, notices={self.notices!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.changed,self.deleted,self.next_state,self.full,self.quarantined,self.present,self.notices,)==(other.changed,other.deleted,other.next_state,other.full,other.quarantined,other.present,other.notices,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.changed,self.deleted,self.next_state,self.full,self.quarantined,self.present,self.notices,)==(other.changed,other.deleted,other.next_state,other.full,other.quarantined,other.present,other.notices,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('changed','deleted','next_state','full','quarantined','present','notices',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'changed\',\'deleted\',\'next_state\',\'full\',\'quarantined\',\'present\',\'notices\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('changed','deleted','next_state','full','quarantined','present','notices',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'changed\',\'deleted\',\'next_state\',\'full\',\'quarantined\',\'present\',\'notices\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.changed,self.deleted,self.next_state,self.full,self.quarantined,self.present,self.notices,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.changed,self.deleted,self.next_state,self.full,self.quarantined,self.present,self.notices,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_kind, _type_contact_id, _type_contact, _type_ref, _type_previous, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_contact, _dflt_ref, _dflt_previous, _return_type):
 def __init__(self,kind:_type_kind,contact_id:_type_contact_id,contact:_type_contact=_dflt_contact,ref:_type_ref=_dflt_ref,previous:_type_previous=_dflt_previous)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'kind',kind)
  __dataclass_builtins_object__.__setattr__(self,'contact_id',contact_id)
  __dataclass_builtins_object__.__setattr__(self,'contact',contact)
  __dataclass_builtins_object__.__setattr__(self,'ref',ref)
  __dataclass_builtins_object__.__setattr__(self,'previous',previous)
 return __init__
CODE["def __create_fn__(_type_kind, _type_contact_id, _type_contact, _type_ref, _type_previous, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_contact, _dflt_ref, _dflt_previous, _return_type):\n def __init__(self,kind:_type_kind,contact_id:_type_contact_id,contact:_type_contact=_dflt_contact,ref:_type_ref=_dflt_ref,previous:_type_previous=_dflt_previous)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'kind',kind)\n  __dataclass_builtins_object__.__setattr__(self,'contact_id',contact_id)\n  __dataclass_builtins_object__.__setattr__(self,'contact',contact)\n  __dataclass_builtins_object__.__setattr__(self,'ref',ref)\n  __dataclass_builtins_object__.__setattr__(self,'previous',previous)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(kind={self.kind!r}, contact_id={self.contact_id!r}, contact={self.contact!r}, ref={self.ref!r}, previous={self.previous!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(kind={self.kind!r}, contact_id={self.contact_id!r}, contact={self.contact!r}, ref={self.ref!r}, previous={self.previous!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.kind,self.contact_id,self.contact,self.ref,self.previous,)==(other.kind,other.contact_id,other.contact,other.ref,other.previous,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.kind,self.contact_id,self.contact,self.ref,self.previous,)==(other.kind,other.contact_id,other.contact,other.ref,other.previous,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('kind','contact_id','contact','ref','previous',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'kind\',\'contact_id\',\'contact\',\'ref\',\'previous\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('kind','contact_id','contact','ref','previous',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'kind\',\'contact_id\',\'contact\',\'ref\',\'previous\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.kind,self.contact_id,self.contact,self.ref,self.previous,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.kind,self.contact_id,self.contact,self.ref,self.previous,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_change, _type_ref, _type_error, _type_stored, _type_owed, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_ref, _dflt_error, _dflt_stored, _dflt_owed, _return_type):
 def __init__(self,change:_type_change,ref:_type_ref=_dflt_ref,error:_type_error=_dflt_error,stored:_type_stored=_dflt_stored,owed:_type_owed=_dflt_owed)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'change',change)
  __dataclass_builtins_object__.__setattr__(self,'ref',ref)
  __dataclass_builtins_object__.__setattr__(self,'error',error)
  __dataclass_builtins_object__.__setattr__(self,'stored',stored)
  __dataclass_builtins_object__.__setattr__(self,'owed',owed)
 return __init__
CODE["def __create_fn__(_type_change, _type_ref, _type_error, _type_stored, _type_owed, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_ref, _dflt_error, _dflt_stored, _dflt_owed, _return_type):\n def __init__(self,change:_type_change,ref:_type_ref=_dflt_ref,error:_type_error=_dflt_error,stored:_type_stored=_dflt_stored,owed:_type_owed=_dflt_owed)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'change',change)\n  __dataclass_builtins_object__.__setattr__(self,'ref',ref)\n  __dataclass_builtins_object__.__setattr__(self,'error',error)\n  __dataclass_builtins_object__.__setattr__(self,'stored',stored)\n  __dataclass_builtins_object__.__setattr__(self,'owed',owed)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(change={self.change!r}, ref={self.ref!r}, error={self.error!r}, stored={self.stored!r}, owed={self.owed!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(change={self.change!r}, ref={self.ref!r}, error={self.error!r}, stored={self.stored!r}, owed={self.owed!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.change,self.ref,self.error,self.stored,self.owed,)==(other.change,other.ref,other.error,other.stored,other.owed,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.change,self.ref,self.error,self.stored,self.owed,)==(other.change,other.ref,other.error,other.stored,other.owed,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('change','ref','error','stored','owed',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'change\',\'ref\',\'error\',\'stored\',\'owed\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('change','ref','error','stored','owed',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'change\',\'ref\',\'error\',\'stored\',\'owed\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.change,self.ref,self.error,self.stored,self.owed,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.change,self.ref,self.error,self.stored,self.owed,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_kind, _type_was, _type_ref, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,kind:_type_kind,was:_type_was,ref:_type_ref)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'kind',kind)
  __dataclass_builtins_object__.__setattr__(self,'was',was)
  __dataclass_builtins_object__.__setattr__(self,'ref',ref)
 return __init__
CODE["def __create_fn__(_type_kind, _type_was, _type_ref, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,kind:_type_kind,was:_type_was,ref:_type_ref)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'kind',kind)\n  __dataclass_builtins_object__.__setattr__(self,'was',was)\n  __dataclass_builtins_object__.__setattr__(self,'ref',ref)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(kind={self.kind!r}, was={self.was!r}, ref={self.ref!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(kind={self.kind!r}, was={self.was!r}, ref={self.ref!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.kind,self.was,self.ref,)==(other.kind,other.was,other.ref,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.kind,self.was,self.ref,)==(other.kind,other.was,other.ref,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('kind','was','ref',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'kind\',\'was\',\'ref\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('kind','was','ref',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'kind\',\'was\',\'ref\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.kind,self.was,self.ref,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.kind,self.was,self.ref,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_read_only, _type_incremental, _type_max_batch, _type_fields, _type_holds_tags, _type_lossy, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_read_only, _dflt_incremental, _dflt_max_batch, _dflt_fields, _dflt_holds_tags, _dflt_lossy, _return_type):
 def __init__(self,read_only:_type_read_only=_dflt_read_only,incremental:_type_incremental=_dflt_incremental,max_batch:_type_max_batch=_dflt_max_batch,fields:_type_fields=_dflt_fields,holds_tags:_type_holds_tags=_dflt_holds_tags,lossy:_type_lossy=_HAS_DEFAULT_FACTORY)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'read_only',read_only)
  __dataclass_builtins_object__.__setattr__(self,'incremental',incremental)
  __dataclass_builtins_object__.__setattr__(self,'max_batch',max_batch)
  __dataclass_builtins_object__.__setattr__(self,'fields',fields)
  __dataclass_builtins_object__.__setattr__(self,'holds_tags',holds_tags)
  __dataclass_builtins_object__.__setattr__(self,'lossy',_dflt_lossy() if lossy is _HAS_DEFAULT_FACTORY else lossy)
 return __init__
CODE["def __create_fn__(_type_read_only, _type_incremental, _type_max_batch, _type_fields, _type_holds_tags, _type_lossy, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_read_only, _dflt_incremental, _dflt_max_batch, _dflt_fields, _dflt_holds_tags, _dflt_lossy, _return_type):\n def __init__(self,read_only:_type_read_only=_dflt_read_only,incremental:_type_incremental=_dflt_incremental,max_batch:_type_max_batch=_dflt_max_batch,fields:_type_fields=_dflt_fields,holds_tags:_type_holds_tags=_dflt_holds_tags,lossy:_type_lossy=_HAS_DEFAULT_FACTORY)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'read_only',read_only)\n  __dataclass_builtins_object__.__setattr__(self,'incremental',incremental)\n  __dataclass_builtins_object__.__setattr__(self,'max_batch',max_batch)\n  __dataclass_builtins_object__.__setattr__(self,'fields',fields)\n  __dataclass_builtins_object__.__setattr__(self,'holds_tags',holds_tags)\n  __dataclass_builtins_object__.__setattr__(self,'lossy',_dflt_lossy() if lossy is _HAS_DEFAULT_FACTORY else lossy)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(read_only={self.read_only!r}, incremental={self.incremental!r}, max_batch={self.max_batch!r}, fields={self.fields!r}, holds_tags={self.holds_tags!r}, lossy={self.lossy!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(read_only={self.read_only!r}, incremental={self.incremental!r}, max_batch={self.max_batch!r}, fields={self.fields!r}, holds_tags={self.holds_tags!r}, lossy={self.lossy!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.read_only,self.incremental,self.max_batch,self.fields,self.holds_tags,self.lossy,)==(other.read_only,other.incremental,other.max_batch,other.fields,other.holds_tags,other.lossy,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.read_only,self.incremental,self.max_batch,self.fields,self.holds_tags,self.lossy,)==(other.read_only,other.incremental,other.max_batch,other.fields,other.holds_tags,other.lossy,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('read_only','incremental','max_batch','fields','holds_tags','lossy',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'read_only\',\'incremental\',\'max_batch\',\'fields\',\'holds_tags\',\'lossy\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('read_only','incremental','max_batch','fields','holds_tags','lossy',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'read_only\',\'incremental\',\'max_batch\',\'fields\',\'holds_tags\',\'lossy\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.read_only,self.incremental,self.max_batch,self.fields,self.holds_tags,self.lossy,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.read_only,self.incremental,self.max_batch,self.fields,self.holds_tags,self.lossy,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_attempts, _type_backoff_s, _type_max_wait_s, _type_budget_s, _type_sleep, _type_clock, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_attempts, _dflt_backoff_s, _dflt_max_wait_s, _dflt_budget_s, _dflt_sleep, _dflt_clock, _return_type):
 def __init__(self,attempts:_type_attempts=_dflt_attempts,backoff_s:_type_backoff_s=_dflt_backoff_s,max_wait_s:_type_max_wait_s=_dflt_max_wait_s,budget_s:_type_budget_s=_dflt_budget_s,sleep:_type_sleep=_dflt_sleep,clock:_type_clock=_dflt_clock)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'attempts',attempts)
  __dataclass_builtins_object__.__setattr__(self,'backoff_s',backoff_s)
  __dataclass_builtins_object__.__setattr__(self,'max_wait_s',max_wait_s)
  __dataclass_builtins_object__.__setattr__(self,'budget_s',budget_s)
  __dataclass_builtins_object__.__setattr__(self,'sleep',sleep)
  __dataclass_builtins_object__.__setattr__(self,'clock',clock)
 return __init__
CODE["def __create_fn__(_type_attempts, _type_backoff_s, _type_max_wait_s, _type_budget_s, _type_sleep, _type_clock, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_attempts, _dflt_backoff_s, _dflt_max_wait_s, _dflt_budget_s, _dflt_sleep, _dflt_clock, _return_type):\n def __init__(self,attempts:_type_attempts=_dflt_attempts,backoff_s:_type_backoff_s=_dflt_backoff_s,max_wait_s:_type_max_wait_s=_dflt_max_wait_s,budget_s:_type_budget_s=_dflt_budget_s,sleep:_type_sleep=_dflt_sleep,clock:_type_clock=_dflt_clock)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'attempts',attempts)\n  __dataclass_builtins_object__.__setattr__(self,'backoff_s',backoff_s)\n  __dataclass_builtins_object__.__setattr__(self,'max_wait_s',max_wait_s)\n  __dataclass_builtins_object__.__setattr__(self,'budget_s',budget_s)\n  __dataclass_builtins_object__.__setattr__(self,'sleep',sleep)\n  __dataclass_builtins_object__.__setattr__(self,'clock',clock)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(attempts={self.attempts!r}, backoff_s={self.backoff_s!r}, max_wait_s={self.max_wait_s!r}, budget_s={self.budget_s!r}, sleep={self.sleep!r}, clock={self.clock!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(attempts={self.attempts!r}, backoff_s={self.backoff_s!r}, max_wait_s={self.max_wait_s!r}, budget_s={self.budget_s!r}, sleep={self.sleep!r}, clock={self.clock!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.attempts,self.backoff_s,self.max_wait_s,self.budget_s,)==(other.attempts,other.backoff_s,other.max_wait_s,other.budget_s,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.attempts,self.backoff_s,self.max_wait_s,self.budget_s,)==(other.attempts,other.backoff_s,other.max_wait_s,other.budget_s,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('attempts','backoff_s','max_wait_s','budget_s','sleep','clock',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'attempts\',\'backoff_s\',\'max_wait_s\',\'budget_s\',\'sleep\',\'clock\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('attempts','backoff_s','max_wait_s','budget_s','sleep','clock',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'attempts\',\'backoff_s\',\'max_wait_s\',\'budget_s\',\'sleep\',\'clock\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.attempts,self.backoff_s,self.max_wait_s,self.budget_s,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.attempts,self.backoff_s,self.max_wait_s,self.budget_s,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_after_remote_write, _type_after_commit, _type_on_record, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_after_remote_write, _dflt_after_commit, _dflt_on_record, _return_type):
 def __init__(self,after_remote_write:_type_after_remote_write=_dflt_after_remote_write,after_commit:_type_after_commit=_dflt_after_commit,on_record:_type_on_record=_dflt_on_record)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'after_remote_write',after_remote_write)
  __dataclass_builtins_object__.__setattr__(self,'after_commit',after_commit)
  __dataclass_builtins_object__.__setattr__(self,'on_record',on_record)
 return __init__
CODE["def __create_fn__(_type_after_remote_write, _type_after_commit, _type_on_record, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_after_remote_write, _dflt_after_commit, _dflt_on_record, _return_type):\n def __init__(self,after_remote_write:_type_after_remote_write=_dflt_after_remote_write,after_commit:_type_after_commit=_dflt_after_commit,on_record:_type_on_record=_dflt_on_record)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'after_remote_write',after_remote_write)\n  __dataclass_builtins_object__.__setattr__(self,'after_commit',after_commit)\n  __dataclass_builtins_object__.__setattr__(self,'on_record',on_record)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(after_remote_write={self.after_remote_write!r}, after_commit={self.after_commit!r}, on_record={self.on_record!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(after_remote_write={self.after_remote_write!r}, after_commit={self.after_commit!r}, on_record={self.on_record!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.after_remote_write,self.after_commit,self.on_record,)==(other.after_remote_write,other.after_commit,other.on_record,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.after_remote_write,self.after_commit,self.on_record,)==(other.after_remote_write,other.after_commit,other.on_record,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('after_remote_write','after_commit','on_record',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'after_remote_write\',\'after_commit\',\'on_record\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('after_remote_write','after_commit','on_record',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'after_remote_write\',\'after_commit\',\'on_record\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.after_remote_write,self.after_commit,self.on_record,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.after_remote_write,self.after_commit,self.on_record,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_account, _type_contact_id, _type_kind, _type_fields, _type_label, _type_values, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_fields, _dflt_label, _dflt_values, _return_type):
 def __init__(self,account:_type_account,contact_id:_type_contact_id,kind:_type_kind,fields:_type_fields=_dflt_fields,label:_type_label=_dflt_label,values:_type_values=_dflt_values)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'account',account)
  __dataclass_builtins_object__.__setattr__(self,'contact_id',contact_id)
  __dataclass_builtins_object__.__setattr__(self,'kind',kind)
  __dataclass_builtins_object__.__setattr__(self,'fields',fields)
  __dataclass_builtins_object__.__setattr__(self,'label',label)
  __dataclass_builtins_object__.__setattr__(self,'values',values)
 return __init__
CODE["def __create_fn__(_type_account, _type_contact_id, _type_kind, _type_fields, _type_label, _type_values, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_fields, _dflt_label, _dflt_values, _return_type):\n def __init__(self,account:_type_account,contact_id:_type_contact_id,kind:_type_kind,fields:_type_fields=_dflt_fields,label:_type_label=_dflt_label,values:_type_values=_dflt_values)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'account',account)\n  __dataclass_builtins_object__.__setattr__(self,'contact_id',contact_id)\n  __dataclass_builtins_object__.__setattr__(self,'kind',kind)\n  __dataclass_builtins_object__.__setattr__(self,'fields',fields)\n  __dataclass_builtins_object__.__setattr__(self,'label',label)\n  __dataclass_builtins_object__.__setattr__(self,'values',values)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(account={self.account!r}, contact_id={self.contact_id!r}, kind={self.kind!r}, fields={self.fields!r}, label={self.label!r}, values={self.values!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(account={self.account!r}, contact_id={self.contact_id!r}, kind={self.kind!r}, fields={self.fields!r}, label={self.label!r}, values={self.values!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.account,self.contact_id,self.kind,self.fields,self.label,self.values,)==(other.account,other.contact_id,other.kind,other.fields,other.label,other.values,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.account,self.contact_id,self.kind,self.fields,self.label,self.values,)==(other.account,other.contact_id,other.kind,other.fields,other.label,other.values,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('account','contact_id','kind','fields','label','values',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'account\',\'contact_id\',\'kind\',\'fields\',\'label\',\'values\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('account','contact_id','kind','fields','label','values',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'account\',\'contact_id\',\'kind\',\'fields\',\'label\',\'values\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.account,self.contact_id,self.kind,self.fields,self.label,self.values,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.account,self.contact_id,self.kind,self.fields,self.label,self.values,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_account, _type_pulled, _type_created, _type_updated, _type_deleted, _type_conflicts, _type_quarantined, _type_requests, _type_duration_s, _type_full_listing, _type_error, _type_error_kind, _type_brake, _type_brake_kept, _type_pending, _type_owed_counted, _type_planned, _type_notices, _type_not_carried, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_pulled, _dflt_created, _dflt_updated, _dflt_deleted, _dflt_conflicts, _dflt_quarantined, _dflt_requests, _dflt_duration_s, _dflt_full_listing, _dflt_error, _dflt_error_kind, _dflt_brake, _dflt_brake_kept, _dflt_pending, _dflt_owed_counted, _dflt_planned, _dflt_notices, _dflt_not_carried, _return_type):
 def __init__(self,account:_type_account,pulled:_type_pulled=_dflt_pulled,created:_type_created=_dflt_created,updated:_type_updated=_dflt_updated,deleted:_type_deleted=_dflt_deleted,conflicts:_type_conflicts=_dflt_conflicts,quarantined:_type_quarantined=_dflt_quarantined,requests:_type_requests=_dflt_requests,duration_s:_type_duration_s=_dflt_duration_s,full_listing:_type_full_listing=_dflt_full_listing,error:_type_error=_dflt_error,error_kind:_type_error_kind=_dflt_error_kind,brake:_type_brake=_dflt_brake,brake_kept:_type_brake_kept=_dflt_brake_kept,pending:_type_pending=_dflt_pending,owed_counted:_type_owed_counted=_dflt_owed_counted,planned:_type_planned=_HAS_DEFAULT_FACTORY,notices:_type_notices=_dflt_notices,not_carried:_type_not_carried=_HAS_DEFAULT_FACTORY)->_return_type:
  self.account=account
  self.pulled=pulled
  self.created=created
  self.updated=updated
  self.deleted=deleted
  self.conflicts=conflicts
  self.quarantined=quarantined
  self.requests=requests
  self.duration_s=duration_s
  self.full_listing=full_listing
  self.error=error
  self.error_kind=error_kind
  self.brake=brake
  self.brake_kept=brake_kept
  self.pending=pending
  self.owed_counted=owed_counted
  self.planned=_dflt_planned() if planned is _HAS_DEFAULT_FACTORY else planned
  self.notices=notices
  self.not_carried=_dflt_not_carried() if not_carried is _HAS_DEFAULT_FACTORY else not_carried
 return __init__
CODE['def __create_fn__(_type_account, _type_pulled, _type_created, _type_updated, _type_deleted, _type_conflicts, _type_quarantined, _type_requests, _type_duration_s, _type_full_listing, _type_error, _type_error_kind, _type_brake, _type_brake_kept, _type_pending, _type_owed_counted, _type_planned, _type_notices, _type_not_carried, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_pulled, _dflt_created, _dflt_updated, _dflt_deleted, _dflt_conflicts, _dflt_quarantined, _dflt_requests, _dflt_duration_s, _dflt_full_listing, _dflt_error, _dflt_error_kind, _dflt_brake, _dflt_brake_kept, _dflt_pending, _dflt_owed_counted, _dflt_planned, _dflt_notices, _dflt_not_carried, _return_type):\n def __init__(self,account:_type_account,pulled:_type_pulled=_dflt_pulled,created:_type_created=_dflt_created,updated:_type_updated=_dflt_updated,deleted:_type_deleted=_dflt_deleted,conflicts:_type_conflicts=_dflt_conflicts,quarantined:_type_quarantined=_dflt_quarantined,requests:_type_requests=_dflt_requests,duration_s:_type_duration_s=_dflt_duration_s,full_listing:_type_full_listing=_dflt_full_listing,error:_type_error=_dflt_error,error_kind:_type_error_kind=_dflt_error_kind,brake:_type_brake=_dflt_brake,brake_kept:_type_brake_kept=_dflt_brake_kept,pending:_type_pending=_dflt_pending,owed_counted:_type_owed_counted=_dflt_owed_counted,planned:_type_planned=_HAS_DEFAULT_FACTORY,notices:_type_notices=_dflt_notices,not_carried:_type_not_carried=_HAS_DEFAULT_FACTORY)->_return_type:\n  self.account=account\n  self.pulled=pulled\n  self.created=created\n  self.updated=updated\n  self.deleted=deleted\n  self.conflicts=conflicts\n  self.quarantined=quarantined\n  self.requests=requests\n  self.duration_s=duration_s\n  self.full_listing=full_listing\n  self.error=error\n  self.error_kind=error_kind\n  self.brake=brake\n  self.brake_kept=brake_kept\n  self.pending=pending\n  self.owed_counted=owed_counted\n  self.planned=_dflt_planned() if planned is _HAS_DEFAULT_FACTORY else planned\n  self.notices=notices\n  self.not_carried=_dflt_not_carried() if not_carried is _HAS_DEFAULT_FACTORY else not_carried\n return __init__'] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(account={self.account!r}, pulled={self.pulled!r}, created={self.created!r}, updated={self.updated!r}, deleted={self.deleted!r}, conflicts={self.conflicts!r}, quarantined={self.quarantined!r}, requests={self.requests!r}, duration_s={self.duration_s!r}, full_listing={self.full_listing!r}, error={self.error!r}, error_kind={self.error_kind!r}, brake={self.brake!r}, brake_kept={self.brake_kept!r}, pending={self.pending!r}, owed_counted={self.owed_counted!r}, planned={self.planned!r}, notices={self.notices!r}, not_carried={self.not_carried!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(account={self.account!r}, pulled={self.pulled!r}, created={self.created!r}, updated={self.updated!r}, deleted={self.deleted!r}, conflicts={self.conflicts!r}, quarantined={self.quarantined!r}, requests={self.requests!r}, duration_s={self.duration_s!r}, full_listing={self.full_listing!r}, error={self.error!r}, error_kind={self.error_kind!r}, brake={self.brake!r}, brake_kept={self.brake_kept!r}, pending={self.pending!r}, owed_counted={self.owed_counted!r}, planned={self.planned!r}, notices={self.notices!r}, not_carried={self.not_carried!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.account,self.pulled,self.created,self.updated,self.deleted,self.conflicts,self.quarantined,self.requests,self.duration_s,self.full_listing,self.error,self.error_kind,self.brake,self.brake_kept,self.pending,self.owed_counted,self.planned,self.notices,self.not_carried,)==(other.account,other.pulled,other.created,other.updated,other.deleted,other.conflicts,other.quarantined,other.requests,other.duration_s,other.full_listing,other.error,other.error_kind,other.brake,other.brake_kept,other.pending,other.owed_counted,other.planned,other.notices,other.not_carried,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.account,self.pulled,self.created,self.updated,self.deleted,self.conflicts,self.quarantined,self.requests,self.duration_s,self.full_listing,self.error,self.error_kind,self.brake,self.brake_kept,self.pending,self.owed_counted,self.planned,self.notices,self.not_carried,)==(other.account,other.pulled,other.created,other.updated,other.deleted,other.conflicts,other.quarantined,other.requests,other.duration_s,other.full_listing,other.error,other.error_kind,other.brake,other.brake_kept,other.pending,other.owed_counted,other.planned,other.notices,other.not_carried,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(_type_book, _type_dry_run, _type_run_id, _type_accounts, _type_conflicts_queued, _type_possible_duplicates, _type_duration_s, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_run_id, _dflt_accounts, _dflt_conflicts_queued, _dflt_possible_duplicates, _dflt_duration_s, _return_type):
 def __init__(self,book:_type_book,dry_run:_type_dry_run,run_id:_type_run_id=_dflt_run_id,accounts:_type_accounts=_HAS_DEFAULT_FACTORY,conflicts_queued:_type_conflicts_queued=_dflt_conflicts_queued,possible_duplicates:_type_possible_duplicates=_HAS_DEFAULT_FACTORY,duration_s:_type_duration_s=_dflt_duration_s)->_return_type:
  self.book=book
  self.dry_run=dry_run
  self.run_id=run_id
  self.accounts=_dflt_accounts() if accounts is _HAS_DEFAULT_FACTORY else accounts
  self.conflicts_queued=conflicts_queued
  self.possible_duplicates=_dflt_possible_duplicates() if possible_duplicates is _HAS_DEFAULT_FACTORY else possible_duplicates
  self.duration_s=duration_s
 return __init__
CODE['def __create_fn__(_type_book, _type_dry_run, _type_run_id, _type_accounts, _type_conflicts_queued, _type_possible_duplicates, _type_duration_s, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_run_id, _dflt_accounts, _dflt_conflicts_queued, _dflt_possible_duplicates, _dflt_duration_s, _return_type):\n def __init__(self,book:_type_book,dry_run:_type_dry_run,run_id:_type_run_id=_dflt_run_id,accounts:_type_accounts=_HAS_DEFAULT_FACTORY,conflicts_queued:_type_conflicts_queued=_dflt_conflicts_queued,possible_duplicates:_type_possible_duplicates=_HAS_DEFAULT_FACTORY,duration_s:_type_duration_s=_dflt_duration_s)->_return_type:\n  self.book=book\n  self.dry_run=dry_run\n  self.run_id=run_id\n  self.accounts=_dflt_accounts() if accounts is _HAS_DEFAULT_FACTORY else accounts\n  self.conflicts_queued=conflicts_queued\n  self.possible_duplicates=_dflt_possible_duplicates() if possible_duplicates is _HAS_DEFAULT_FACTORY else possible_duplicates\n  self.duration_s=duration_s\n return __init__'] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(book={self.book!r}, dry_run={self.dry_run!r}, run_id={self.run_id!r}, accounts={self.accounts!r}, conflicts_queued={self.conflicts_queued!r}, possible_duplicates={self.possible_duplicates!r}, duration_s={self.duration_s!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(book={self.book!r}, dry_run={self.dry_run!r}, run_id={self.run_id!r}, accounts={self.accounts!r}, conflicts_queued={self.conflicts_queued!r}, possible_duplicates={self.possible_duplicates!r}, duration_s={self.duration_s!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.book,self.dry_run,self.run_id,self.accounts,self.conflicts_queued,self.possible_duplicates,self.duration_s,)==(other.book,other.dry_run,other.run_id,other.accounts,other.conflicts_queued,other.possible_duplicates,other.duration_s,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.book,self.dry_run,self.run_id,self.accounts,self.conflicts_queued,self.possible_duplicates,self.duration_s,)==(other.book,other.dry_run,other.run_id,other.accounts,other.conflicts_queued,other.possible_duplicates,other.duration_s,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(_type_account, _type_id, _type_etag, _type_marker, _type_modified, _type_blob, _type_photo, _type_keys, _type_left_behind, _type_held, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_held, _return_type):
 def __init__(self,account:_type_account,id:_type_id,etag:_type_etag,marker:_type_marker,modified:_type_modified,blob:_type_blob,photo:_type_photo,keys:_type_keys,left_behind:_type_left_behind,held:_type_held=_dflt_held)->_return_type:
  self.account=account
  self.id=id
  self.etag=etag
  self.marker=marker
  self.modified=modified
  self.blob=blob
  self.photo=photo
  self.keys=keys
  self.left_behind=left_behind
  self.held=held
 return __init__
CODE['def __create_fn__(_type_account, _type_id, _type_etag, _type_marker, _type_modified, _type_blob, _type_photo, _type_keys, _type_left_behind, _type_held, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_held, _return_type):\n def __init__(self,account:_type_account,id:_type_id,etag:_type_etag,marker:_type_marker,modified:_type_modified,blob:_type_blob,photo:_type_photo,keys:_type_keys,left_behind:_type_left_behind,held:_type_held=_dflt_held)->_return_type:\n  self.account=account\n  self.id=id\n  self.etag=etag\n  self.marker=marker\n  self.modified=modified\n  self.blob=blob\n  self.photo=photo\n  self.keys=keys\n  self.left_behind=left_behind\n  self.held=held\n return __init__'] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(account={self.account!r}, id={self.id!r}, etag={self.etag!r}, marker={self.marker!r}, modified={self.modified!r}, blob={self.blob!r}, photo={self.photo!r}, keys={self.keys!r}, left_behind={self.left_behind!r}, held={self.held!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(account={self.account!r}, id={self.id!r}, etag={self.etag!r}, marker={self.marker!r}, modified={self.modified!r}, blob={self.blob!r}, photo={self.photo!r}, keys={self.keys!r}, left_behind={self.left_behind!r}, held={self.held!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.account,self.id,self.etag,self.marker,self.modified,self.blob,self.photo,self.keys,self.left_behind,self.held,)==(other.account,other.id,other.etag,other.marker,other.modified,other.blob,other.photo,other.keys,other.left_behind,other.held,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.account,self.id,self.etag,self.marker,self.modified,self.blob,self.photo,self.keys,self.left_behind,self.held,)==(other.account,other.id,other.etag,other.marker,other.modified,other.blob,other.photo,other.keys,other.left_behind,other.held,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(_type_account, _type_full, _type_next_state, _type_listed, _type_listed_ids, _type_quarantined, _type_changed, _type_deleted_ids, _type_braked, _type_gone_ids, _type_reset, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_braked, _dflt_gone_ids, _dflt_reset, _return_type):
 def __init__(self,account:_type_account,full:_type_full,next_state:_type_next_state,listed:_type_listed,listed_ids:_type_listed_ids,quarantined:_type_quarantined,changed:_type_changed,deleted_ids:_type_deleted_ids,braked:_type_braked=_dflt_braked,gone_ids:_type_gone_ids=_HAS_DEFAULT_FACTORY,reset:_type_reset=_dflt_reset)->_return_type:
  self.account=account
  self.full=full
  self.next_state=next_state
  self.listed=listed
  self.listed_ids=listed_ids
  self.quarantined=quarantined
  self.changed=changed
  self.deleted_ids=deleted_ids
  self.braked=braked
  self.gone_ids=_dflt_gone_ids() if gone_ids is _HAS_DEFAULT_FACTORY else gone_ids
  self.reset=reset
 return __init__
CODE['def __create_fn__(_type_account, _type_full, _type_next_state, _type_listed, _type_listed_ids, _type_quarantined, _type_changed, _type_deleted_ids, _type_braked, _type_gone_ids, _type_reset, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_braked, _dflt_gone_ids, _dflt_reset, _return_type):\n def __init__(self,account:_type_account,full:_type_full,next_state:_type_next_state,listed:_type_listed,listed_ids:_type_listed_ids,quarantined:_type_quarantined,changed:_type_changed,deleted_ids:_type_deleted_ids,braked:_type_braked=_dflt_braked,gone_ids:_type_gone_ids=_HAS_DEFAULT_FACTORY,reset:_type_reset=_dflt_reset)->_return_type:\n  self.account=account\n  self.full=full\n  self.next_state=next_state\n  self.listed=listed\n  self.listed_ids=listed_ids\n  self.quarantined=quarantined\n  self.changed=changed\n  self.deleted_ids=deleted_ids\n  self.braked=braked\n  self.gone_ids=_dflt_gone_ids() if gone_ids is _HAS_DEFAULT_FACTORY else gone_ids\n  self.reset=reset\n return __init__'] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(account={self.account!r}, full={self.full!r}, next_state={self.next_state!r}, listed={self.listed!r}, listed_ids={self.listed_ids!r}, quarantined={self.quarantined!r}, changed={self.changed!r}, deleted_ids={self.deleted_ids!r}, braked={self.braked!r}, gone_ids={self.gone_ids!r}, reset={self.reset!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(account={self.account!r}, full={self.full!r}, next_state={self.next_state!r}, listed={self.listed!r}, listed_ids={self.listed_ids!r}, quarantined={self.quarantined!r}, changed={self.changed!r}, deleted_ids={self.deleted_ids!r}, braked={self.braked!r}, gone_ids={self.gone_ids!r}, reset={self.reset!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.account,self.full,self.next_state,self.listed,self.listed_ids,self.quarantined,self.changed,self.deleted_ids,self.braked,self.gone_ids,self.reset,)==(other.account,other.full,other.next_state,other.listed,other.listed_ids,other.quarantined,other.changed,other.deleted_ids,other.braked,other.gone_ids,other.reset,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.account,self.full,self.next_state,self.listed,self.listed_ids,self.quarantined,self.changed,self.deleted_ids,self.braked,self.gone_ids,self.reset,)==(other.account,other.full,other.next_state,other.listed,other.listed_ids,other.quarantined,other.changed,other.deleted_ids,other.braked,other.gone_ids,other.reset,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(_type_remote_of, _type_link_of, _type_deletions, _type_fresh, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_remote_of, _dflt_link_of, _dflt_deletions, _dflt_fresh, _return_type):
 def __init__(self,remote_of:_type_remote_of=_HAS_DEFAULT_FACTORY,link_of:_type_link_of=_HAS_DEFAULT_FACTORY,deletions:_type_deletions=_HAS_DEFAULT_FACTORY,fresh:_type_fresh=_HAS_DEFAULT_FACTORY)->_return_type:
  self.remote_of=_dflt_remote_of() if remote_of is _HAS_DEFAULT_FACTORY else remote_of
  self.link_of=_dflt_link_of() if link_of is _HAS_DEFAULT_FACTORY else link_of
  self.deletions=_dflt_deletions() if deletions is _HAS_DEFAULT_FACTORY else deletions
  self.fresh=_dflt_fresh() if fresh is _HAS_DEFAULT_FACTORY else fresh
 return __init__
CODE['def __create_fn__(_type_remote_of, _type_link_of, _type_deletions, _type_fresh, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_remote_of, _dflt_link_of, _dflt_deletions, _dflt_fresh, _return_type):\n def __init__(self,remote_of:_type_remote_of=_HAS_DEFAULT_FACTORY,link_of:_type_link_of=_HAS_DEFAULT_FACTORY,deletions:_type_deletions=_HAS_DEFAULT_FACTORY,fresh:_type_fresh=_HAS_DEFAULT_FACTORY)->_return_type:\n  self.remote_of=_dflt_remote_of() if remote_of is _HAS_DEFAULT_FACTORY else remote_of\n  self.link_of=_dflt_link_of() if link_of is _HAS_DEFAULT_FACTORY else link_of\n  self.deletions=_dflt_deletions() if deletions is _HAS_DEFAULT_FACTORY else deletions\n  self.fresh=_dflt_fresh() if fresh is _HAS_DEFAULT_FACTORY else fresh\n return __init__'] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(remote_of={self.remote_of!r}, link_of={self.link_of!r}, deletions={self.deletions!r}, fresh={self.fresh!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(remote_of={self.remote_of!r}, link_of={self.link_of!r}, deletions={self.deletions!r}, fresh={self.fresh!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.remote_of,self.link_of,self.deletions,self.fresh,)==(other.remote_of,other.link_of,other.deletions,other.fresh,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.remote_of,self.link_of,self.deletions,self.fresh,)==(other.remote_of,other.link_of,other.deletions,other.fresh,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(_type_contacts, _type_new_ids, _type_links, _type_new_links, _type_dropped_links, _type_trash, _type_restore, _type_queue, _type_journal, _type_conflicts, _type_planned, _type_describe, _type_held_back, _type_passing, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_contacts, _dflt_new_ids, _dflt_links, _dflt_new_links, _dflt_dropped_links, _dflt_trash, _dflt_restore, _dflt_queue, _dflt_journal, _dflt_conflicts, _dflt_planned, _dflt_describe, _dflt_held_back, _dflt_passing, _return_type):
 def __init__(self,contacts:_type_contacts=_HAS_DEFAULT_FACTORY,new_ids:_type_new_ids=_HAS_DEFAULT_FACTORY,links:_type_links=_HAS_DEFAULT_FACTORY,new_links:_type_new_links=_HAS_DEFAULT_FACTORY,dropped_links:_type_dropped_links=_HAS_DEFAULT_FACTORY,trash:_type_trash=_HAS_DEFAULT_FACTORY,restore:_type_restore=_HAS_DEFAULT_FACTORY,queue:_type_queue=_HAS_DEFAULT_FACTORY,journal:_type_journal=_HAS_DEFAULT_FACTORY,conflicts:_type_conflicts=_HAS_DEFAULT_FACTORY,planned:_type_planned=_HAS_DEFAULT_FACTORY,describe:_type_describe=_dflt_describe,held_back:_type_held_back=_HAS_DEFAULT_FACTORY,passing:_type_passing=_HAS_DEFAULT_FACTORY)->_return_type:
  self.contacts=_dflt_contacts() if contacts is _HAS_DEFAULT_FACTORY else contacts
  self.new_ids=_dflt_new_ids() if new_ids is _HAS_DEFAULT_FACTORY else new_ids
  self.links=_dflt_links() if links is _HAS_DEFAULT_FACTORY else links
  self.new_links=_dflt_new_links() if new_links is _HAS_DEFAULT_FACTORY else new_links
  self.dropped_links=_dflt_dropped_links() if dropped_links is _HAS_DEFAULT_FACTORY else dropped_links
  self.trash=_dflt_trash() if trash is _HAS_DEFAULT_FACTORY else trash
  self.restore=_dflt_restore() if restore is _HAS_DEFAULT_FACTORY else restore
  self.queue=_dflt_queue() if queue is _HAS_DEFAULT_FACTORY else queue
  self.journal=_dflt_journal() if journal is _HAS_DEFAULT_FACTORY else journal
  self.conflicts=_dflt_conflicts() if conflicts is _HAS_DEFAULT_FACTORY else conflicts
  self.planned=_dflt_planned() if planned is _HAS_DEFAULT_FACTORY else planned
  self.describe=describe
  self.held_back=_dflt_held_back() if held_back is _HAS_DEFAULT_FACTORY else held_back
  self.passing=_dflt_passing() if passing is _HAS_DEFAULT_FACTORY else passing
 return __init__
CODE['def __create_fn__(_type_contacts, _type_new_ids, _type_links, _type_new_links, _type_dropped_links, _type_trash, _type_restore, _type_queue, _type_journal, _type_conflicts, _type_planned, _type_describe, _type_held_back, _type_passing, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_contacts, _dflt_new_ids, _dflt_links, _dflt_new_links, _dflt_dropped_links, _dflt_trash, _dflt_restore, _dflt_queue, _dflt_journal, _dflt_conflicts, _dflt_planned, _dflt_describe, _dflt_held_back, _dflt_passing, _return_type):\n def __init__(self,contacts:_type_contacts=_HAS_DEFAULT_FACTORY,new_ids:_type_new_ids=_HAS_DEFAULT_FACTORY,links:_type_links=_HAS_DEFAULT_FACTORY,new_links:_type_new_links=_HAS_DEFAULT_FACTORY,dropped_links:_type_dropped_links=_HAS_DEFAULT_FACTORY,trash:_type_trash=_HAS_DEFAULT_FACTORY,restore:_type_restore=_HAS_DEFAULT_FACTORY,queue:_type_queue=_HAS_DEFAULT_FACTORY,journal:_type_journal=_HAS_DEFAULT_FACTORY,conflicts:_type_conflicts=_HAS_DEFAULT_FACTORY,planned:_type_planned=_HAS_DEFAULT_FACTORY,describe:_type_describe=_dflt_describe,held_back:_type_held_back=_HAS_DEFAULT_FACTORY,passing:_type_passing=_HAS_DEFAULT_FACTORY)->_return_type:\n  self.contacts=_dflt_contacts() if contacts is _HAS_DEFAULT_FACTORY else contacts\n  self.new_ids=_dflt_new_ids() if new_ids is _HAS_DEFAULT_FACTORY else new_ids\n  self.links=_dflt_links() if links is _HAS_DEFAULT_FACTORY else links\n  self.new_links=_dflt_new_links() if new_links is _HAS_DEFAULT_FACTORY else new_links\n  self.dropped_links=_dflt_dropped_links() if dropped_links is _HAS_DEFAULT_FACTORY else dropped_links\n  self.trash=_dflt_trash() if trash is _HAS_DEFAULT_FACTORY else trash\n  self.restore=_dflt_restore() if restore is _HAS_DEFAULT_FACTORY else restore\n  self.queue=_dflt_queue() if queue is _HAS_DEFAULT_FACTORY else queue\n  self.journal=_dflt_journal() if journal is _HAS_DEFAULT_FACTORY else journal\n  self.conflicts=_dflt_conflicts() if conflicts is _HAS_DEFAULT_FACTORY else conflicts\n  self.planned=_dflt_planned() if planned is _HAS_DEFAULT_FACTORY else planned\n  self.describe=describe\n  self.held_back=_dflt_held_back() if held_back is _HAS_DEFAULT_FACTORY else held_back\n  self.passing=_dflt_passing() if passing is _HAS_DEFAULT_FACTORY else passing\n return __init__'] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(contacts={self.contacts!r}, new_ids={self.new_ids!r}, links={self.links!r}, new_links={self.new_links!r}, dropped_links={self.dropped_links!r}, trash={self.trash!r}, restore={self.restore!r}, queue={self.queue!r}, journal={self.journal!r}, conflicts={self.conflicts!r}, planned={self.planned!r}, describe={self.describe!r}, held_back={self.held_back!r}, passing={self.passing!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(contacts={self.contacts!r}, new_ids={self.new_ids!r}, links={self.links!r}, new_links={self.new_links!r}, dropped_links={self.dropped_links!r}, trash={self.trash!r}, restore={self.restore!r}, queue={self.queue!r}, journal={self.journal!r}, conflicts={self.conflicts!r}, planned={self.planned!r}, describe={self.describe!r}, held_back={self.held_back!r}, passing={self.passing!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.contacts,self.new_ids,self.links,self.new_links,self.dropped_links,self.trash,self.restore,self.queue,self.journal,self.conflicts,self.planned,self.describe,self.held_back,self.passing,)==(other.contacts,other.new_ids,other.links,other.new_links,other.dropped_links,other.trash,other.restore,other.queue,other.journal,other.conflicts,other.planned,other.describe,other.held_back,other.passing,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.contacts,self.new_ids,self.links,self.new_links,self.dropped_links,self.trash,self.restore,self.queue,self.journal,self.conflicts,self.planned,self.describe,self.held_back,self.passing,)==(other.contacts,other.new_ids,other.links,other.new_links,other.dropped_links,other.trash,other.restore,other.queue,other.journal,other.conflicts,other.planned,other.describe,other.held_back,other.passing,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(_type_book, _type_connectors, _type_ranks, _type_fields_of, _type_fits, _type_link_of, _type_show_values, _type_plan, _type_report, _type_known, _type_refilling, _type_push_only, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_refilling, _dflt_push_only, _return_type):
 def __init__(self,book:_type_book,connectors:_type_connectors,ranks:_type_ranks,fields_of:_type_fields_of,fits:_type_fits,link_of:_type_link_of,show_values:_type_show_values,plan:_type_plan,report:_type_report,known:_type_known,refilling:_type_refilling=_dflt_refilling,push_only:_type_push_only=_dflt_push_only)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'book',book)
  __dataclass_builtins_object__.__setattr__(self,'connectors',connectors)
  __dataclass_builtins_object__.__setattr__(self,'ranks',ranks)
  __dataclass_builtins_object__.__setattr__(self,'fields_of',fields_of)
  __dataclass_builtins_object__.__setattr__(self,'fits',fits)
  __dataclass_builtins_object__.__setattr__(self,'link_of',link_of)
  __dataclass_builtins_object__.__setattr__(self,'show_values',show_values)
  __dataclass_builtins_object__.__setattr__(self,'plan',plan)
  __dataclass_builtins_object__.__setattr__(self,'report',report)
  __dataclass_builtins_object__.__setattr__(self,'known',known)
  __dataclass_builtins_object__.__setattr__(self,'refilling',refilling)
  __dataclass_builtins_object__.__setattr__(self,'push_only',push_only)
 return __init__
CODE["def __create_fn__(_type_book, _type_connectors, _type_ranks, _type_fields_of, _type_fits, _type_link_of, _type_show_values, _type_plan, _type_report, _type_known, _type_refilling, _type_push_only, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_refilling, _dflt_push_only, _return_type):\n def __init__(self,book:_type_book,connectors:_type_connectors,ranks:_type_ranks,fields_of:_type_fields_of,fits:_type_fits,link_of:_type_link_of,show_values:_type_show_values,plan:_type_plan,report:_type_report,known:_type_known,refilling:_type_refilling=_dflt_refilling,push_only:_type_push_only=_dflt_push_only)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'book',book)\n  __dataclass_builtins_object__.__setattr__(self,'connectors',connectors)\n  __dataclass_builtins_object__.__setattr__(self,'ranks',ranks)\n  __dataclass_builtins_object__.__setattr__(self,'fields_of',fields_of)\n  __dataclass_builtins_object__.__setattr__(self,'fits',fits)\n  __dataclass_builtins_object__.__setattr__(self,'link_of',link_of)\n  __dataclass_builtins_object__.__setattr__(self,'show_values',show_values)\n  __dataclass_builtins_object__.__setattr__(self,'plan',plan)\n  __dataclass_builtins_object__.__setattr__(self,'report',report)\n  __dataclass_builtins_object__.__setattr__(self,'known',known)\n  __dataclass_builtins_object__.__setattr__(self,'refilling',refilling)\n  __dataclass_builtins_object__.__setattr__(self,'push_only',push_only)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(book={self.book!r}, connectors={self.connectors!r}, ranks={self.ranks!r}, fields_of={self.fields_of!r}, fits={self.fits!r}, link_of={self.link_of!r}, show_values={self.show_values!r}, plan={self.plan!r}, report={self.report!r}, known={self.known!r}, refilling={self.refilling!r}, push_only={self.push_only!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(book={self.book!r}, connectors={self.connectors!r}, ranks={self.ranks!r}, fields_of={self.fields_of!r}, fits={self.fits!r}, link_of={self.link_of!r}, show_values={self.show_values!r}, plan={self.plan!r}, report={self.report!r}, known={self.known!r}, refilling={self.refilling!r}, push_only={self.push_only!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.book,self.connectors,self.ranks,self.fields_of,self.fits,self.link_of,self.show_values,self.plan,self.report,self.known,self.refilling,self.push_only,)==(other.book,other.connectors,other.ranks,other.fields_of,other.fits,other.link_of,other.show_values,other.plan,other.report,other.known,other.refilling,other.push_only,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.book,self.connectors,self.ranks,self.fields_of,self.fits,self.link_of,self.show_values,self.plan,self.report,self.known,self.refilling,self.push_only,)==(other.book,other.connectors,other.ranks,other.fields_of,other.fits,other.link_of,other.show_values,other.plan,other.report,other.known,other.refilling,other.push_only,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('book','connectors','ranks','fields_of','fits','link_of','show_values','plan','report','known','refilling','push_only',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'book\',\'connectors\',\'ranks\',\'fields_of\',\'fits\',\'link_of\',\'show_values\',\'plan\',\'report\',\'known\',\'refilling\',\'push_only\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('book','connectors','ranks','fields_of','fits','link_of','show_values','plan','report','known','refilling','push_only',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'book\',\'connectors\',\'ranks\',\'fields_of\',\'fits\',\'link_of\',\'show_values\',\'plan\',\'report\',\'known\',\'refilling\',\'push_only\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.book,self.connectors,self.ranks,self.fields_of,self.fits,self.link_of,self.show_values,self.plan,self.report,self.known,self.refilling,self.push_only,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.book,self.connectors,self.ranks,self.fields_of,self.fits,self.link_of,self.show_values,self.plan,self.report,self.known,self.refilling,self.push_only,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_id, _type_record, _type_fresh, _type_listed, _type_deleted_by, _type_links_before, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,id:_type_id,record:_type_record,fresh:_type_fresh,listed:_type_listed,deleted_by:_type_deleted_by,links_before:_type_links_before)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'id',id)
  __dataclass_builtins_object__.__setattr__(self,'record',record)
  __dataclass_builtins_object__.__setattr__(self,'fresh',fresh)
  __dataclass_builtins_object__.__setattr__(self,'listed',listed)
  __dataclass_builtins_object__.__setattr__(self,'deleted_by',deleted_by)
  __dataclass_builtins_object__.__setattr__(self,'links_before',links_before)
 return __init__
CODE["def __create_fn__(_type_id, _type_record, _type_fresh, _type_listed, _type_deleted_by, _type_links_before, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,id:_type_id,record:_type_record,fresh:_type_fresh,listed:_type_listed,deleted_by:_type_deleted_by,links_before:_type_links_before)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'id',id)\n  __dataclass_builtins_object__.__setattr__(self,'record',record)\n  __dataclass_builtins_object__.__setattr__(self,'fresh',fresh)\n  __dataclass_builtins_object__.__setattr__(self,'listed',listed)\n  __dataclass_builtins_object__.__setattr__(self,'deleted_by',deleted_by)\n  __dataclass_builtins_object__.__setattr__(self,'links_before',links_before)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(id={self.id!r}, record={self.record!r}, fresh={self.fresh!r}, listed={self.listed!r}, deleted_by={self.deleted_by!r}, links_before={self.links_before!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(id={self.id!r}, record={self.record!r}, fresh={self.fresh!r}, listed={self.listed!r}, deleted_by={self.deleted_by!r}, links_before={self.links_before!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.id,self.record,self.fresh,self.listed,self.deleted_by,self.links_before,)==(other.id,other.record,other.fresh,other.listed,other.deleted_by,other.links_before,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.id,self.record,self.fresh,self.listed,self.deleted_by,self.links_before,)==(other.id,other.record,other.fresh,other.listed,other.deleted_by,other.links_before,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('id','record','fresh','listed','deleted_by','links_before',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'id\',\'record\',\'fresh\',\'listed\',\'deleted_by\',\'links_before\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('id','record','fresh','listed','deleted_by','links_before',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'id\',\'record\',\'fresh\',\'listed\',\'deleted_by\',\'links_before\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.id,self.record,self.fresh,self.listed,self.deleted_by,self.links_before,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.id,self.record,self.fresh,self.listed,self.deleted_by,self.links_before,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_field, _type_reason, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):
 def __init__(self,field:_type_field,reason:_type_reason)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'field',field)
  __dataclass_builtins_object__.__setattr__(self,'reason',reason)
 return __init__
CODE["def __create_fn__(_type_field, _type_reason, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _return_type):\n def __init__(self,field:_type_field,reason:_type_reason)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'field',field)\n  __dataclass_builtins_object__.__setattr__(self,'reason',reason)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(field={self.field!r}, reason={self.reason!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(field={self.field!r}, reason={self.reason!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.field,self.reason,)==(other.field,other.reason,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.field,self.reason,)==(other.field,other.reason,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('field','reason',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'field\',\'reason\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('field','reason',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'field\',\'reason\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.field,self.reason,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.field,self.reason,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_stale, _type_throttled, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_stale, _dflt_throttled, _return_type):
 def __init__(self,stale:_type_stale=_HAS_DEFAULT_FACTORY,throttled:_type_throttled=_HAS_DEFAULT_FACTORY)->_return_type:
  self.stale=_dflt_stale() if stale is _HAS_DEFAULT_FACTORY else stale
  self.throttled=_dflt_throttled() if throttled is _HAS_DEFAULT_FACTORY else throttled
 return __init__
CODE['def __create_fn__(_type_stale, _type_throttled, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_stale, _dflt_throttled, _return_type):\n def __init__(self,stale:_type_stale=_HAS_DEFAULT_FACTORY,throttled:_type_throttled=_HAS_DEFAULT_FACTORY)->_return_type:\n  self.stale=_dflt_stale() if stale is _HAS_DEFAULT_FACTORY else stale\n  self.throttled=_dflt_throttled() if throttled is _HAS_DEFAULT_FACTORY else throttled\n return __init__'] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(stale={self.stale!r}, throttled={self.throttled!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(stale={self.stale!r}, throttled={self.throttled!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.stale,self.throttled,)==(other.stale,other.throttled,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.stale,self.throttled,)==(other.stale,other.throttled,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(_type_threshold, _type_pause_s, _type_max_pause_s, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_threshold, _dflt_pause_s, _dflt_max_pause_s, _return_type):
 def __init__(self,threshold:_type_threshold=_dflt_threshold,pause_s:_type_pause_s=_dflt_pause_s,max_pause_s:_type_max_pause_s=_dflt_max_pause_s)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'threshold',threshold)
  __dataclass_builtins_object__.__setattr__(self,'pause_s',pause_s)
  __dataclass_builtins_object__.__setattr__(self,'max_pause_s',max_pause_s)
 return __init__
CODE["def __create_fn__(_type_threshold, _type_pause_s, _type_max_pause_s, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_threshold, _dflt_pause_s, _dflt_max_pause_s, _return_type):\n def __init__(self,threshold:_type_threshold=_dflt_threshold,pause_s:_type_pause_s=_dflt_pause_s,max_pause_s:_type_max_pause_s=_dflt_max_pause_s)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'threshold',threshold)\n  __dataclass_builtins_object__.__setattr__(self,'pause_s',pause_s)\n  __dataclass_builtins_object__.__setattr__(self,'max_pause_s',max_pause_s)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(threshold={self.threshold!r}, pause_s={self.pause_s!r}, max_pause_s={self.max_pause_s!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(threshold={self.threshold!r}, pause_s={self.pause_s!r}, max_pause_s={self.max_pause_s!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.threshold,self.pause_s,self.max_pause_s,)==(other.threshold,other.pause_s,other.max_pause_s,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.threshold,self.pause_s,self.max_pause_s,)==(other.threshold,other.pause_s,other.max_pause_s,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('threshold','pause_s','max_pause_s',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'threshold\',\'pause_s\',\'max_pause_s\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('threshold','pause_s','max_pause_s',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'threshold\',\'pause_s\',\'max_pause_s\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.threshold,self.pause_s,self.max_pause_s,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.threshold,self.pause_s,self.max_pause_s,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_account, _type_checks, _type_error, _type_repair_requested, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_error, _dflt_repair_requested, _return_type):
 def __init__(self,account:_type_account,checks:_type_checks,error:_type_error=_dflt_error,repair_requested:_type_repair_requested=_dflt_repair_requested)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'account',account)
  __dataclass_builtins_object__.__setattr__(self,'checks',checks)
  __dataclass_builtins_object__.__setattr__(self,'error',error)
  __dataclass_builtins_object__.__setattr__(self,'repair_requested',repair_requested)
 return __init__
CODE["def __create_fn__(_type_account, _type_checks, _type_error, _type_repair_requested, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_error, _dflt_repair_requested, _return_type):\n def __init__(self,account:_type_account,checks:_type_checks,error:_type_error=_dflt_error,repair_requested:_type_repair_requested=_dflt_repair_requested)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'account',account)\n  __dataclass_builtins_object__.__setattr__(self,'checks',checks)\n  __dataclass_builtins_object__.__setattr__(self,'error',error)\n  __dataclass_builtins_object__.__setattr__(self,'repair_requested',repair_requested)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(account={self.account!r}, checks={self.checks!r}, error={self.error!r}, repair_requested={self.repair_requested!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(account={self.account!r}, checks={self.checks!r}, error={self.error!r}, repair_requested={self.repair_requested!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.account,self.checks,self.error,self.repair_requested,)==(other.account,other.checks,other.error,other.repair_requested,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.account,self.checks,self.error,self.repair_requested,)==(other.account,other.checks,other.error,other.repair_requested,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('account','checks','error','repair_requested',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'account\',\'checks\',\'error\',\'repair_requested\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('account','checks','error','repair_requested',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'account\',\'checks\',\'error\',\'repair_requested\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.account,self.checks,self.error,self.repair_requested,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.account,self.checks,self.error,self.repair_requested,))\n return __hash__'] = __create_fn__.__code__

def __create_fn__(_type_book, _type_fence, _type_lost, _type__stop, _type__lost_now, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_fence, _dflt_lost, _dflt__stop, _dflt__lost_now, _return_type):
 def __init__(self,book:_type_book,fence:_type_fence=_dflt_fence,lost:_type_lost=_dflt_lost,_stop:_type__stop=_HAS_DEFAULT_FACTORY,_lost_now:_type__lost_now=_HAS_DEFAULT_FACTORY)->_return_type:
  self.book=book
  self.fence=fence
  self.lost=lost
  self._stop=_dflt__stop() if _stop is _HAS_DEFAULT_FACTORY else _stop
  self._lost_now=_dflt__lost_now() if _lost_now is _HAS_DEFAULT_FACTORY else _lost_now
 return __init__
CODE['def __create_fn__(_type_book, _type_fence, _type_lost, _type__stop, _type__lost_now, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_fence, _dflt_lost, _dflt__stop, _dflt__lost_now, _return_type):\n def __init__(self,book:_type_book,fence:_type_fence=_dflt_fence,lost:_type_lost=_dflt_lost,_stop:_type__stop=_HAS_DEFAULT_FACTORY,_lost_now:_type__lost_now=_HAS_DEFAULT_FACTORY)->_return_type:\n  self.book=book\n  self.fence=fence\n  self.lost=lost\n  self._stop=_dflt__stop() if _stop is _HAS_DEFAULT_FACTORY else _stop\n  self._lost_now=_dflt__lost_now() if _lost_now is _HAS_DEFAULT_FACTORY else _lost_now\n return __init__'] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(book={self.book!r}, fence={self.fence!r}, lost={self.lost!r}, _stop={self._stop!r}, _lost_now={self._lost_now!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(book={self.book!r}, fence={self.fence!r}, lost={self.lost!r}, _stop={self._stop!r}, _lost_now={self._lost_now!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.book,self.fence,self.lost,self._stop,self._lost_now,)==(other.book,other.fence,other.lost,other._stop,other._lost_now,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.book,self.fence,self.lost,self._stop,self._lost_now,)==(other.book,other.fence,other.lost,other._stop,other._lost_now,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(_type_mtime_ns, _type_size, _type_etag, _type_kind, _type_reason, _type_tags, _type_ctime_ns, _type_ino, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_reason, _dflt_tags, _dflt_ctime_ns, _dflt_ino, _return_type):
 def __init__(self,mtime_ns:_type_mtime_ns,size:_type_size,etag:_type_etag,kind:_type_kind,reason:_type_reason=_dflt_reason,tags:_type_tags=_dflt_tags,ctime_ns:_type_ctime_ns=_dflt_ctime_ns,ino:_type_ino=_dflt_ino)->_return_type:
  __dataclass_builtins_object__.__setattr__(self,'mtime_ns',mtime_ns)
  __dataclass_builtins_object__.__setattr__(self,'size',size)
  __dataclass_builtins_object__.__setattr__(self,'etag',etag)
  __dataclass_builtins_object__.__setattr__(self,'kind',kind)
  __dataclass_builtins_object__.__setattr__(self,'reason',reason)
  __dataclass_builtins_object__.__setattr__(self,'tags',tags)
  __dataclass_builtins_object__.__setattr__(self,'ctime_ns',ctime_ns)
  __dataclass_builtins_object__.__setattr__(self,'ino',ino)
 return __init__
CODE["def __create_fn__(_type_mtime_ns, _type_size, _type_etag, _type_kind, _type_reason, _type_tags, _type_ctime_ns, _type_ino, MISSING, _HAS_DEFAULT_FACTORY, __dataclass_builtins_object__, _dflt_reason, _dflt_tags, _dflt_ctime_ns, _dflt_ino, _return_type):\n def __init__(self,mtime_ns:_type_mtime_ns,size:_type_size,etag:_type_etag,kind:_type_kind,reason:_type_reason=_dflt_reason,tags:_type_tags=_dflt_tags,ctime_ns:_type_ctime_ns=_dflt_ctime_ns,ino:_type_ino=_dflt_ino)->_return_type:\n  __dataclass_builtins_object__.__setattr__(self,'mtime_ns',mtime_ns)\n  __dataclass_builtins_object__.__setattr__(self,'size',size)\n  __dataclass_builtins_object__.__setattr__(self,'etag',etag)\n  __dataclass_builtins_object__.__setattr__(self,'kind',kind)\n  __dataclass_builtins_object__.__setattr__(self,'reason',reason)\n  __dataclass_builtins_object__.__setattr__(self,'tags',tags)\n  __dataclass_builtins_object__.__setattr__(self,'ctime_ns',ctime_ns)\n  __dataclass_builtins_object__.__setattr__(self,'ino',ino)\n return __init__"] = __create_fn__.__code__

def __create_fn__():
 def __repr__(self):
  return self.__class__.__qualname__ + f"(mtime_ns={self.mtime_ns!r}, size={self.size!r}, etag={self.etag!r}, kind={self.kind!r}, reason={self.reason!r}, tags={self.tags!r}, ctime_ns={self.ctime_ns!r}, ino={self.ino!r})"
 return __repr__
CODE['def __create_fn__():\n def __repr__(self):\n  return self.__class__.__qualname__ + f"(mtime_ns={self.mtime_ns!r}, size={self.size!r}, etag={self.etag!r}, kind={self.kind!r}, reason={self.reason!r}, tags={self.tags!r}, ctime_ns={self.ctime_ns!r}, ino={self.ino!r})"\n return __repr__'] = __create_fn__.__code__

def __create_fn__():
 def __eq__(self,other):
  if other.__class__ is self.__class__:
   return (self.mtime_ns,self.size,self.etag,self.kind,self.reason,self.tags,self.ctime_ns,self.ino,)==(other.mtime_ns,other.size,other.etag,other.kind,other.reason,other.tags,other.ctime_ns,other.ino,)
  return NotImplemented
 return __eq__
CODE['def __create_fn__():\n def __eq__(self,other):\n  if other.__class__ is self.__class__:\n   return (self.mtime_ns,self.size,self.etag,self.kind,self.reason,self.tags,self.ctime_ns,self.ino,)==(other.mtime_ns,other.size,other.etag,other.kind,other.reason,other.tags,other.ctime_ns,other.ino,)\n  return NotImplemented\n return __eq__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __setattr__(self,name,value):
  if type(self) is cls or name in ('mtime_ns','size','etag','kind','reason','tags','ctime_ns','ino',):
   raise FrozenInstanceError(f"cannot assign to field {name!r}")
  super(cls, self).__setattr__(name, value)
 return __setattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __setattr__(self,name,value):\n  if type(self) is cls or name in (\'mtime_ns\',\'size\',\'etag\',\'kind\',\'reason\',\'tags\',\'ctime_ns\',\'ino\',):\n   raise FrozenInstanceError(f"cannot assign to field {name!r}")\n  super(cls, self).__setattr__(name, value)\n return __setattr__'] = __create_fn__.__code__

def __create_fn__(cls, FrozenInstanceError):
 def __delattr__(self,name):
  if type(self) is cls or name in ('mtime_ns','size','etag','kind','reason','tags','ctime_ns','ino',):
   raise FrozenInstanceError(f"cannot delete field {name!r}")
  super(cls, self).__delattr__(name)
 return __delattr__
CODE['def __create_fn__(cls, FrozenInstanceError):\n def __delattr__(self,name):\n  if type(self) is cls or name in (\'mtime_ns\',\'size\',\'etag\',\'kind\',\'reason\',\'tags\',\'ctime_ns\',\'ino\',):\n   raise FrozenInstanceError(f"cannot delete field {name!r}")\n  super(cls, self).__delattr__(name)\n return __delattr__'] = __create_fn__.__code__

def __create_fn__():
 def __hash__(self):
  return hash((self.mtime_ns,self.size,self.etag,self.kind,self.reason,self.tags,self.ctime_ns,self.ino,))
 return __hash__
CODE['def __create_fn__():\n def __hash__(self):\n  return hash((self.mtime_ns,self.size,self.etag,self.kind,self.reason,self.tags,self.ctime_ns,self.ino,))\n return __hash__'] = __create_fn__.__code__

del __create_fn__
